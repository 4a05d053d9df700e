"""insertion_orders domain."""
