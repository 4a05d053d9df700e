"""healthcare domain."""
