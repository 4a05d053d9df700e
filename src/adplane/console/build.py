"""Which console sources the shipped build was made from.

The built console is committed under `adplane/console_dist/` so `make serve` needs no node. Its
`SOURCE_HASH` is the SHA-256 of the console sources at build time (`make console` writes it);
a test recomputes it so a source change without a rebuild fails CI.

    python -m adplane.console.build [--write] [ROOT]
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

DIST_DIR = Path(__file__).resolve().parent.parent / "console_dist"
HASH_FILE = DIST_DIR / "SOURCE_HASH"
# what the build reads: sources, entry page, configs and the exact dependency versions
SOURCE_FILES = ("index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts")
SOURCE_DIRS = ("src",)


def source_files(console_root: Path) -> list[Path]:
    files = [console_root / name for name in SOURCE_FILES]
    for folder in SOURCE_DIRS:
        files += [p for p in (console_root / folder).rglob("*") if p.is_file()]
    return sorted(files, key=lambda p: p.relative_to(console_root).as_posix())


def source_hash(console_root: Path) -> str:
    digest = hashlib.sha256()
    for path in source_files(console_root):
        digest.update(path.relative_to(console_root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def recorded_hash() -> str | None:
    return HASH_FILE.read_text().strip() if HASH_FILE.is_file() else None


def main(argv: list[str]) -> int:
    write = "--write" in argv
    rest = [a for a in argv if a != "--write"]
    root = Path(rest[0]) if rest else Path(__file__).resolve().parents[3] / "console"
    current = source_hash(root)
    if write:
        HASH_FILE.write_text(current + "\n")
        print(f"console build recorded for sources {current[:12]}")
        return 0
    if current != recorded_hash():
        print("the console build is out of date: run `make console`", file=sys.stderr)
        return 1
    print("the console build matches its sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
