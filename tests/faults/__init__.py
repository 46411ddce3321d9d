"""Fault injection: SIGKILL mid-work, a locked database, a full disk, a flapping source."""
