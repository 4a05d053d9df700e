"""A small ClickHouse HTTP interface in front of chDB, for tests of the network client (no helper tests here).

No ClickHouse server can be installed on these machines; chDB runs the real engine in-process but serves
no HTTP. This answers what clickhouse-connect sends: the SQL (body or `query` parameter, with its FORMAT),
settings as URL parameters, `database`, and inserts whose body is the data in the query's format. The engine
does every statement; only the transport is ours.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

_NOT_SETTINGS = {"query", "database", "query_id", "session_id", "default_format", "session_timeout",
                 "session_check", "wait_end_of_query", "compress", "decompress", "user", "password",
                 "enable_http_compression", "send_progress_in_http_headers", "http_headers_progress_interval_ms",
                 "client_protocol_version", "param"}
_FORMAT = re.compile(r"\bFORMAT\s+(\w+)\s*;?\s*$", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(.+?)\s+FORMAT\s+(\w+)\s*$", re.IGNORECASE | re.DOTALL)


class ChdbHttpServer:
    def __init__(self, path: str) -> None:
        import chdb

        self._conn = chdb.connect(path)
        self._lock = threading.Lock()
        self._database = ""
        self._settings: dict[str, str] = {}
        self._defaults: dict[str, str] = {}  # the engine's value of each setting a request changed
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return

            def do_GET(self) -> None:  # ping
                self._answer(200, b"Ok.\n")

            def do_POST(self) -> None:
                params = {k: v[-1] for k, v in parse_qs(urlparse(self.path).query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    data = server.run(params, body)
                except Exception as exc:  # noqa: BLE001 - the client reads the engine's message
                    self._answer(500, f"Code: 1. DB::Exception: {exc}".encode())
                    return
                self._answer(200, data)

            def _answer(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-ClickHouse-Summary", '{"read_rows":"0","written_rows":"0"}')
                if status != 200:
                    self.send_header("X-ClickHouse-Exception-Code", "1")
                self.end_headers()
                self.wfile.write(data)

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def start(self) -> ChdbHttpServer:
        self._thread.start()
        return self

    def run(self, params: dict[str, str], body: bytes) -> bytes:
        sql = params.get("query")
        data = body
        if sql is None:
            sql, data = body.decode(), b""
        settings = {k: v for k, v in params.items() if k not in _NOT_SETTINGS and not k.startswith("param_")}
        with self._lock:
            database = params.get("database", "default")
            if database != self._database:
                self._conn.query(f"USE `{database}`", "CSV")
                self._database = database
            # A server applies a request's settings to that request only: one the last request set and this one
            # does not (a batch's insert_deduplication_token, say) goes back to the engine's default.
            for name in [n for n in self._settings if n not in settings]:
                self._set(name, self._defaults[name])
                del self._settings[name]
            for name, value in settings.items():
                if self._settings.get(name) != value:
                    if name not in self._defaults:
                        found = self._conn.query(f"SELECT value FROM system.settings WHERE name = '{name}'", "CSV")
                        self._defaults[name] = found.bytes().decode().strip().strip('"')
                    self._set(name, value)
                    self._settings[name] = value
            insert = _INSERT.match(sql)
            if insert and data:
                return self._insert(insert.group(1), insert.group(2), data)
            fmt = _FORMAT.search(sql)
            if fmt:
                sql = sql[: fmt.start()]
            out_format = fmt.group(1) if fmt else params.get("default_format", "TabSeparated")
            data = self._conn.query(sql, out_format).bytes()
            if not data and out_format.lower() == "arrow" and sql.lstrip()[:6].upper() in ("SELECT", "WITH ("):
                data = self._empty_arrow(sql)
            return data

    def _set(self, name: str, value: str) -> None:
        literal = value if value.lstrip("-").isdigit() else "'" + value.replace("'", "\\'") + "'"
        self._conn.query(f"SET {name} = {literal}", "CSV")

    def _empty_arrow(self, sql: str) -> bytes:
        """chDB answers no rows with no bytes; a server sends an Arrow file with the schema and no batches."""
        import csv
        import io

        import pyarrow as pa

        described = list(csv.reader(io.StringIO(self._conn.query(f"DESCRIBE ({sql})", "CSV").bytes().decode())))
        defaults = ", ".join(f"defaultValueOfTypeName('{row[1]}') AS `{row[0]}`" for row in described)
        one = pa.ipc.open_file(pa.BufferReader(self._conn.query(f"SELECT {defaults}", "Arrow").bytes())).read_all()
        sink = io.BytesIO()
        with pa.ipc.new_file(sink, one.schema) as writer:
            writer.write_table(one.slice(0, 0))
        return sink.getvalue()

    def _insert(self, target: str, fmt: str, data: bytes) -> bytes:
        """`INSERT INTO t (cols) FORMAT Arrow` with the data in the body: read by the engine from the bytes."""
        import pyarrow as pa

        if fmt.lower() not in ("arrow", "arrowstream"):
            raise ValueError(f"this test server takes Arrow inserts only, not {fmt}")
        reader = pa.ipc.open_file(pa.BufferReader(data)) if fmt.lower() == "arrow" else \
            pa.ipc.open_stream(pa.BufferReader(data))
        arrow_rows = reader.read_all()  # read by the Python() table function from this frame
        columns = re.search(r"\(([^)]*)\)\s*$", target)
        names = columns.group(1) if columns else "*"
        table = target[: columns.start()] if columns else target
        self._conn.query(f"INSERT INTO {table} ({names}) SELECT {names} FROM Python(arrow_rows)", "CSV")
        del arrow_rows
        return b""

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._conn.close()
