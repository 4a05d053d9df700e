"""The analytics store: raw events, rollups, running totals and counters. A service shared by domains;
it imports only `adplane.core`."""
