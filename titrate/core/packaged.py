"""Files shipped inside a package (titrate's vocabulary, tzdata's zones, the drug dictionary's data),
opened cheaply, and the cache of what titrate derives from them: the core's one door to files."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import IO, TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from mmap import mmap

T = TypeVar("T")


def open_packaged(package: ModuleType, *parts: str) -> IO[bytes]:
    """A file of `package`, opened from its folder; through importlib.resources only when the package is
    not a folder (a zip): importing that (or pathlib) costs more start-up time than a plan takes."""
    try:
        return open(os.path.join(os.path.dirname(package.__file__ or ""), *parts), "rb")
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files(package.__name__).joinpath(*parts).open("rb")


def installed_data(package: str, name: str) -> tuple[str, str] | None:
    """The path of the data file `name` in the installed package `package`, and the package's version;
    found through its import spec and its dist-info folder without running the package (whose code may
    import what titrate does not need). None when the package is not installed."""
    from importlib.util import find_spec

    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = list(spec.submodule_search_locations)[0]
    prefix = f"{package}-"
    versions = [entry[len(prefix):-len(".dist-info")] for entry in os.listdir(os.path.dirname(folder))
                if entry.startswith(prefix) and entry.endswith(".dist-info")]
    return os.path.join(folder, name), (versions[0] if versions else "unknown")


def stamp(path: str) -> str:
    """A file's size and modification time: what a cache built from it is keyed by."""
    facts = os.stat(path)
    return f"{facts.st_size}-{facts.st_mtime_ns}"


def read_bytes(path: str) -> bytes:
    """The whole of a file outside titrate (another package's data)."""
    with open(path, "rb") as file:
        return file.read()


def cache_folder() -> str:
    """Where titrate keeps what it derives from package data: TITRATE_CACHE_DIR, else
    $XDG_CACHE_HOME/titrate, else ~/.cache/titrate."""
    chosen = os.environ.get("TITRATE_CACHE_DIR")
    if chosen:
        return chosen
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "titrate")


def cached(name: str, accept: Callable[[bytes | mmap], T | None], build: Callable[[], bytes]) -> T:
    """`accept` of the cache file `name`, mapped into memory; when there is none or `accept` refuses it
    (None), `accept` of what `build` makes, which is written there atomically (a reader sees the old
    file, none, or the whole new one). A cache folder that cannot be written only costs the building."""
    path = os.path.join(cache_folder(), name)
    try:
        with open(path, "rb") as file:
            import mmap as mapping

            found = accept(mapping.mmap(file.fileno(), 0, access=mapping.ACCESS_READ))
            if found is not None:
                return found
    except (OSError, ValueError):  # no cache yet (ValueError: an empty file cannot be mapped)
        pass
    built = build()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            file.write(built)
        os.replace(temporary, path)
    except OSError:
        pass
    result = accept(built)
    if result is None:
        raise ValueError(f"{name}: what was built for the cache is not accepted")
    return result
