"""Python SDK for adplane and any IQM-compatible API.

    from adplane.client import AdplaneClient
    with AdplaneClient(url=..., client_id=..., client_secret=..., host=..., email=..., password=...) as api:
        api.login()
        print(api.auth.profile().organization_name)
"""

from adplane.client.aio import AsyncAdplaneClient
from adplane.client.config import ClientConfig
from adplane.client.errors import (
    ApiError,
    AuthenticationError,
    ConnectionFailed,
    NotFoundError,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
)
from adplane.client.sync import AdplaneClient
from adplane.client.tokens import Token

__all__ = [
    "AdplaneClient",
    "ApiError",
    "AsyncAdplaneClient",
    "AuthenticationError",
    "ClientConfig",
    "ConnectionFailed",
    "NotFoundError",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "Token",
    "ValidationError",
]
