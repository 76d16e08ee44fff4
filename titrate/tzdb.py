"""Time-zone rules from the `tzdata` package first, the operating system's only for a zone it lacks.

`ZoneInfo(name)` searches the system's zoneinfo folders before the `tzdata` package, so on a machine with
older system data a plan (and the VTIMEZONE written for it) would follow stale rules: an hour off for
zones whose rules changed since (Africa/Casablanca from September 2026, America/Havana in winter
2026-27). titrate pins `tzdata` to a recent release and reads every zone from it, on every platform;
wallclock.tz_version() names the release each plan records.
"""

from __future__ import annotations

import os
from functools import cache
from zoneinfo import ZoneInfo

__all__ = ["get_zone"]


def _open_packaged(*parts: str):  # noqa: ANN202 - a binary file
    """A file of the tzdata package, opened from its folder; through importlib.resources only when the
    package is not a folder (a zip): importing that (or pathlib) costs more start-up time than the plan."""
    import tzdata

    try:
        return open(os.path.join(os.path.dirname(tzdata.__file__), *parts), "rb")
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files("tzdata").joinpath(*parts).open("rb")


@cache
def _packaged_keys() -> frozenset[str]:
    with _open_packaged("zones") as index:
        return frozenset(index.read().decode("utf-8").split())


@cache
def get_zone(name: str) -> ZoneInfo:
    """The zone `name` from the `tzdata` package, else from the system (ZoneInfo's own errors then).

    Cached, so every part of titrate shares one ZoneInfo object per zone. Only names listed in tzdata's
    index are opened from its files, so no name can reach outside the package.
    """
    if name in _packaged_keys():
        with _open_packaged("zoneinfo", *name.split("/")) as data:
            return ZoneInfo.from_file(data, key=name)
    return ZoneInfo(name)
