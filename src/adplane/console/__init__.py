"""The web console: a single-page app served at `/` that is one more client of the public API."""
