"""reports domain."""
