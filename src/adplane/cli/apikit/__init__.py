"""Machinery of `adplane api`: commands described by a table (`spec`) and turned into Typer commands
(`build`), request bodies from flags, --set and JSON/YAML files (`body`), times in the user's timezone
(`zones`), "did you mean" suggestions (`suggest`), report files with labels and totals (`reportfile`),
and the logged-in session with its exit codes (`runtime`)."""
