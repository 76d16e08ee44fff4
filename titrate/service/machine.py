"""What the CLI reads from the machine: its time zone, the clock (or SOURCE_DATE_EPOCH) and text files.
The core never does; it is handed these values."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from titrate.core.wallclock import load_zone
from titrate.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path


def machine_zone() -> str:
    """This machine's IANA zone: $TZ, /etc/timezone, or where /etc/localtime points."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        with open("/etc/timezone", encoding="utf-8") as file:
            candidates.append(file.read().strip())
    except OSError:
        pass
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name:
            try:
                return load_zone(name).key
            except InputError:
                continue
    raise InputError("cannot tell this machine's time zone; give one with --tz, e.g. --tz Europe/London")


def generated_now() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that builds and examples are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (got {epoch!r})") from None


#: No titrate file comes near this (a ten-year plan is 1.5 MB as JSON); reading stops here, so that
#: /dev/zero or a huge file is refused instead of filling the memory.
MAX_FILE_BYTES = 16 * 1024 * 1024


def shown_path(path: Path) -> str:
    """A file name as an error message can show it: control and bidirectional characters, and bytes
    that are not UTF-8, escaped."""
    from titrate.formats.common import terminal_safe  # a small module with no extras

    return terminal_safe(str(path))


def read_text(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """A file's text; a missing, unreadable, oversized or non-UTF-8 file is bad input (exit 2), naming
    the file."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise InputError(f"cannot read {shown_path(path)}: {error.strerror}") from None
    if len(data) > limit:
        raise InputError(f"cannot read {shown_path(path)}: it is larger than {limit // (1024 * 1024)} MB, "
                         "which no titrate file is")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"cannot read {shown_path(path)}: not UTF-8 text (byte {error.start + 1})") from None
