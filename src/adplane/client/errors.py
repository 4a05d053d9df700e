"""Exceptions the SDK raises: every failed call carries the HTTP status and IQM's `errorObjects`."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """The server answered with an error envelope (or a non-2xx status)."""

    def __init__(
        self,
        status_code: int,
        error_objects: list[dict[str, Any]],
        *,
        method: str = "",
        path: str = "",
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.error_objects = error_objects
        self.method = method
        self.path = path
        self.data = data
        self.headers = headers or {}
        super().__init__(f"{status_code} {method} {path}: {self.message}".strip())

    @property
    def message(self) -> str:
        """The errors joined for display: 'error (reason) [field]'."""
        return "; ".join(format_error_object(obj) for obj in self.error_objects) or "request failed"

    @property
    def fields(self) -> list[str]:
        return [str(obj["field"]) for obj in self.error_objects if obj.get("field")]


def format_error_object(obj: dict[str, Any]) -> str:
    text = str(obj.get("error") or "error")
    if obj.get("reason"):
        text += f" ({obj['reason']})"
    if obj.get("field") and str(obj["field"]) not in text:
        text += f" [field: {obj['field']}]"
    return text


class AuthenticationError(ApiError):
    """401: bad client credentials, or a token that could not be refreshed."""


class PermissionDenied(ApiError):
    """403: the user may not act for that organization."""


class NotFoundError(ApiError):
    """404: missing, or another organization's id."""


class ValidationError(ApiError):
    """422: a field is wrong; `fields` names them."""


class RateLimited(ApiError):
    """429: too many attempts; `retry_after` says for how long (seconds)."""

    @property
    def retry_after(self) -> int | None:
        value = self.headers.get("retry-after") or self.headers.get("Retry-After")
        return int(value) if value and value.isdigit() else None


class ServerError(ApiError):
    """5xx after the retries allowed for the call."""


class ConnectionFailed(ApiError):
    """The server could not be reached (or timed out) after the retries allowed for the call."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(0, [{"error": message}], method=method, path=path)


_BY_STATUS: dict[int, type[ApiError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFoundError,
    422: ValidationError,
    429: RateLimited,
}


def error_class_for(status_code: int) -> type[ApiError]:
    if status_code >= 500:
        return ServerError
    return _BY_STATUS.get(status_code, ApiError)
