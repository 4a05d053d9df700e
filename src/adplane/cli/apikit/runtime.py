"""The logged-in session of `adplane api` and how failures end a command.

Exit codes: 0 success, 1 the API refused (errors printed from `errorObjects`), 2 bad usage,
3 the server could not be reached, 4 not logged in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from adplane.client import AdplaneClient, ApiError, ClientConfig, ConnectionFailed, Token, store
from adplane.client.errors import RateLimited, format_error_object

EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_NOT_LOGGED_IN = 4


class UsageError(Exception):
    """Bad input found before calling the API: printed as `error: ...`, exit code 2."""


def console() -> Console:
    return Console(width=200, soft_wrap=False)


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def open_client() -> AdplaneClient:
    saved = store.load()
    if not saved or not saved.get("token"):
        raise fail("not logged in; run `adplane api login` first", EXIT_NOT_LOGGED_IN)
    config = ClientConfig(url=saved["url"], client_id=saved.get("clientId"), client_secret=saved.get("clientSecret"),
                          host=saved.get("host"), email=saved.get("email"), ow_id=saved.get("owId"))
    client = AdplaneClient(config, token=Token.from_dict(saved["token"]))

    def remember(token: Token) -> None:
        store.save(store.stored_session(client.config, token, client.ow_id))

    client.on_token = remember
    return client


@contextmanager
def session() -> Iterator[AdplaneClient]:
    """A logged-in client; API and connection errors and UsageError become messages and exit codes."""
    try:
        with open_client() as client:
            yield client
    except UsageError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except ConnectionFailed as exc:
        raise fail(f"cannot reach the API: {exc.message}", EXIT_UNREACHABLE) from None
    except ApiError as exc:
        print_api_error(exc)
        if exc.status_code == 401:
            typer.echo("hint: the session has ended; run `adplane api login` again", err=True)
        raise typer.Exit(code=EXIT_API_ERROR) from None


def print_api_error(exc: ApiError) -> None:
    """Each of the answer's errorObjects on its own line (and when to try again after a 429)."""
    for obj in exc.error_objects:
        typer.echo(f"error: {format_error_object(obj)}", err=True)
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        typer.echo(f"hint: try again in {exc.retry_after} seconds", err=True)
