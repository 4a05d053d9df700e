"""client domain."""
