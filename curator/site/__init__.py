"""The subscribers' side: feeds and the static site, written atomically."""
