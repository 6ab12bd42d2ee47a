"""What a cached rendering depends on besides its data: the files that draw it (templates, code, compiled
translations, date formats) and Django's version. A new release changes the digest, so a cache keyed on it never
serves what the previous release drew."""

import hashlib
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def files_version(paths) -> str:
    """A short digest of Django's version and each existing file's path and modification time (a stat per file:
    read once per process by its callers, as a deploy starts new processes)."""
    stamps = sorted(f"{path}:{path.stat().st_mtime_ns}" for path in map(Path, paths) if path.exists())
    return hashlib.sha256("\n".join([django.get_version(), *stamps]).encode()).hexdigest()[:12]


def translation_files() -> list[Path]:
    return list((ROOT / "locale").glob("*/LC_MESSAGES/django.mo"))
