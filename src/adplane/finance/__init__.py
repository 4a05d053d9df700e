"""Finance: balances, payments and (later) credits and invoices on IQM's Finance API (`/api/v3/fa/...`)."""
