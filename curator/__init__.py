"""Curator: finds, screens and publishes news about addiction and recovery."""

__version__ = "0.1.0"
