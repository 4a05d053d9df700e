"""The delivery simulator: turns running campaigns into plausible ad-serving events (an interface over the domains)."""
