"""Screening: extract, summarise, score and cluster pending entries."""
