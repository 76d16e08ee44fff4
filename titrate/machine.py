"""What the CLI reads from the machine: its time zone, the clock (or SOURCE_DATE_EPOCH) and text files.
The core never does; it is handed these values."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from .errors import InputError
from .wallclock import load_zone


def machine_zone() -> str:
    """This machine's IANA zone: $TZ, /etc/timezone, or where /etc/localtime points."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
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
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (got {epoch!r})") from None


def read_text(path: Path) -> str:
    """A file's text; a missing or unreadable file is bad input (exit 2), naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path}: not UTF-8 text") from None
