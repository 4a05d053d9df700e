"""Every setting an operator can give is documented: each field of `Settings` (and of the SDK's
`ClientConfig`) has a row in the README's settings table."""

from __future__ import annotations

import re
from pathlib import Path

from adplane.client.config import ClientConfig
from adplane.core.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_variables() -> set[str]:
    text = README.read_text()
    section = text[text.index("## Settings"):]
    section = section[: section.index("\n## ", 1)]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `ADPLANE_"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`(ADPLANE_[A-Z0-9_]+)`", first_cell))
    return names


def test_every_setting_has_a_readme_row():
    documented = documented_variables()
    missing = [f"ADPLANE_{name.upper()}" for name in Settings.model_fields
               if f"ADPLANE_{name.upper()}" not in documented]
    missing += [f"ADPLANE_API_{name.upper()}" for name in ClientConfig.model_fields
                if f"ADPLANE_API_{name.upper()}" not in documented]
    assert not missing, f"add README settings rows for: {', '.join(missing)}"
