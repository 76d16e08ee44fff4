"""Writing output files: atomically, and never over an existing file without being told to."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .machine import shown_path


def refuse_clobber(path: Path) -> None:
    """Fail early, before any work, when `path` exists and may not be overwritten."""
    if path.exists() or path.is_symlink():
        raise InputError(f"{shown_path(path)} already exists; add --force to overwrite it")


def write_atomically(path: Path, data: bytes, *, force: bool) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a half-written one.

    Without `force`, an existing file is left alone: the new file is linked into place, which fails if
    the name is taken even when another process took it a moment ago. The file is readable by its owner
    only, since plans name patients.
    """
    if not path.parent.is_dir():
        raise InputError(f"cannot write {shown_path(path)}: there is no folder {shown_path(path.parent)}")
    try:
        _write_then_place(path, data, force=force)
    except InputError:
        raise
    except OSError as error:
        raise OSError(error.errno, f"cannot write {shown_path(path)}: {error.strerror}") from None


def write_new_synced(path: Path, data: bytes) -> None:
    """Write `data` to `path`, which must not exist yet, and sync it to disk; readable by its owner only.

    For a private folder where nobody reads a file before it is done: batch stages each row's files so,
    then links them into place, so a temporary name and a rename per file would buy nothing.
    """
    with open(path, "xb", opener=_owner_only) as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _write_then_place(path: Path, data: bytes, *, force: bool) -> None:
    import tempfile  # only when a file is written: it costs start-up time on every other path

    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        if force:
            os.replace(temp_name, path)
        else:
            try:
                os.link(temp_name, path)
            except FileExistsError:
                raise InputError(f"{shown_path(path)} already exists; add --force to overwrite it") from None
            except OSError:
                # A file system without hard links: check, then rename (a narrow race, but no clobber
                # of a file that was there when we looked).
                refuse_clobber(path)
                os.replace(temp_name, path)
    finally:
        if os.path.lexists(temp_name):
            os.unlink(temp_name)
