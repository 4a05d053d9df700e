"""master domain."""
