"""Hostile input: every case states what must happen (see README.md here)."""
