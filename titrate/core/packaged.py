"""Files shipped inside a package (titrate's vocabulary, tzdata's zones), opened cheaply."""

from __future__ import annotations

import os
from types import ModuleType
from typing import IO


def open_packaged(package: ModuleType, *parts: str) -> IO[bytes]:
    """A file of `package`, opened from its folder; through importlib.resources only when the package is
    not a folder (a zip): importing that (or pathlib) costs more start-up time than a plan takes."""
    try:
        return open(os.path.join(os.path.dirname(package.__file__ or ""), *parts), "rb")
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files(package.__name__).joinpath(*parts).open("rb")
