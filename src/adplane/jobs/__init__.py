"""jobs: durable work items in the application database, claimed by workers under a lease.

Mix `adplane.jobs.leases.LeasedWork` into a model, then `claim` due rows, and `finish` or
`retry_or_fail` them. See `adplane.jobs.leases` for the guarantees.
"""
