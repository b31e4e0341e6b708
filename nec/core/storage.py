"""Files kept on disk under NEC_STORAGE_PATH (photos, uploads), with random names.

Callers store bytes and get back a relative path ("photos/3f2a....jpg") that goes in the database;
nothing a visitor typed ever becomes part of a file name, and a stored path can never leave the
storage folder. A shared volume mounted at the same path serves several app servers.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app

_FOLDER = re.compile(r"^[a-z0-9_-]{1,40}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
_STORED = re.compile(r"^[a-z0-9_-]{1,40}/[0-9a-f]{32}\.[a-z0-9]{1,8}$")


class StorageError(Exception):
    """A stored path that is not one of ours, or a file that is gone."""


def root() -> Path:
    return Path(current_app.config["NEC_STORAGE_PATH"])


def save(data: bytes, *, folder: str, suffix: str) -> str:
    """Write the bytes under a new random name in `folder`; returns the relative path to keep."""
    if not _FOLDER.match(folder) or not _SUFFIX.match(suffix):
        raise ValueError(f"invalid storage folder or suffix: {folder!r} {suffix!r}")
    directory = root() / folder
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}{suffix}"
    fd, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(partial, directory / name)  # atomic: a reader never sees half a file
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return f"{folder}/{name}"


def path_of(stored: str) -> Path:
    """The absolute path of a stored file; refuses anything that is not a path `save` returned."""
    if not isinstance(stored, str) or not _STORED.match(stored):
        raise StorageError(f"not a stored path: {stored!r}")
    return root() / stored


def exists(stored: str | None) -> bool:
    if not stored:
        return False
    try:
        return path_of(stored).is_file()
    except StorageError:
        return False


def read(stored: str) -> bytes:
    try:
        return path_of(stored).read_bytes()
    except OSError as exc:
        raise StorageError(f"cannot read {stored!r}: {exc}") from exc


def open_stored(stored: str) -> tuple[BinaryIO, int]:
    """An open handle on a stored file and its size, to stream it; the caller closes it.

    Opening first (rather than checking, then sending) means a file replaced and deleted meanwhile
    is a StorageError the caller can answer, never a half-sent response.
    """
    try:
        handle = path_of(stored).open("rb")
    except OSError as exc:
        raise StorageError(f"cannot open {stored!r}: {exc}") from exc
    try:
        size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        handle.close()
        raise StorageError(f"cannot read {stored!r}: {exc}") from exc
    return handle, size


def delete(stored: str | None) -> None:
    """Remove a stored file; a missing file or an empty path is not an error."""
    if not stored:
        return
    path_of(stored).unlink(missing_ok=True)
