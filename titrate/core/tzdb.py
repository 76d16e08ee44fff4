"""Time-zone rules from the `tzdata` package first, the operating system's only for a zone it lacks.

`ZoneInfo(name)` searches the system's zoneinfo folders before the `tzdata` package, so on a machine with
older system data a plan (and the VTIMEZONE written for it) would follow stale rules: an hour off for
zones whose rules changed since (Africa/Casablanca from September 2026, America/Havana in winter
2026-27). titrate pins `tzdata` to a recent release and reads every zone from it, on every platform;
wallclock.tz_version() names the release each plan records.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo

import tzdata

from titrate.core.packaged import open_packaged

__all__ = ["get_zone"]


@cache
def _packaged_keys() -> frozenset[str]:
    with open_packaged(tzdata, "zones") as index:
        return frozenset(index.read().decode("utf-8").split())


@cache
def get_zone(name: str) -> ZoneInfo:
    """The zone `name` from the `tzdata` package, else from the system (ZoneInfo's own errors then).

    Cached, so every part of titrate shares one ZoneInfo object per zone. Only names listed in tzdata's
    index are opened from its files, so no name can reach outside the package.
    """
    if name in _packaged_keys():
        with open_packaged(tzdata, "zoneinfo", *name.split("/")) as data:
            return ZoneInfo.from_file(data, key=name)
    return ZoneInfo(name)
