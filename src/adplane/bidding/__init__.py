"""Bid models: per-dimension bid multipliers, priorities and spend ratios, include/exclude per dimension."""
