"""Where the command line keeps its login: `$XDG_CONFIG_HOME/adplane/credentials.json`, mode 600."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from adplane.client.config import ClientConfig
from adplane.client.tokens import Token

FILE_NAME = "credentials.json"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "adplane"


def credentials_path() -> Path:
    return config_dir() / FILE_NAME


def load() -> dict[str, Any] | None:
    path = credentials_path()
    if not path.exists():
        return None
    return json.loads(path.read_text())


def save(data: dict[str, Any]) -> Path:
    """Write atomically, readable by the user only (the file holds the client secret and tokens)."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / FILE_NAME
    temporary = folder / f".{FILE_NAME}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(data, handle, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def delete() -> bool:
    path = credentials_path()
    if path.exists():
        path.unlink()
        return True
    return False


def stored_session(config: ClientConfig, token: Token, ow_id: int | None) -> dict[str, Any]:
    return {
        "url": config.base_url,
        "clientId": config.client_id,
        "clientSecret": config.client_secret,
        "host": config.host,
        "email": config.email,
        "owId": ow_id,
        "token": token.as_dict(),
    }
