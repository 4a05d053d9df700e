"""creatives domain."""
