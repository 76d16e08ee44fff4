"""Writing output files: atomically, and never over an existing file without being told to."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from titrate.errors import InputError
from titrate.service.machine import shown_path


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
        if force and _is_device_or_pipe(path):
            # /dev/null, /dev/stdout, a named pipe: renaming a file over it would replace the node itself
            with open(path, "wb") as stream:
                stream.write(data)
            return
        _write_then_place(path, data, force=force)
    except InputError:
        raise
    except OSError as error:
        raise OSError(error.errno, f"cannot write {shown_path(path)}: {error.strerror}") from None


def write_new(path: Path, data: bytes) -> None:
    """Write `data` to `path`, which must not exist yet; readable by its owner only. Not synced to disk.

    For a private folder where nobody reads a file before it is done: batch stages each row's files so,
    syncs a group of rows' files at once, then links them into place, so a temporary name and a rename
    (or a sync) per file would buy nothing.
    """
    with open(path, "xb", opener=_owner_only) as file:
        file.write(data)


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _is_device_or_pipe(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


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
