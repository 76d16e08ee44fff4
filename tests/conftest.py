"""Hypothesis profiles: `ci` is derandomised (the same examples every run) with no deadline, since a
shared 2-core CI machine has noisy timings; `dev` explores new examples each run. Chosen by
HYPOTHESIS_PROFILE (default dev). And one check, before any test runs, that the system packages the
PDF and browser tests need are installed (issue 19, point 8)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=60)
# tests/mutation/run.sh runs the suite once per mutant: fewer examples, the same ones each time.
settings.register_profile("mutation", derandomize=True, deadline=None, max_examples=20,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: The screen's general drug dictionary is cached here, not in the user's cache: every run builds it once
#: (about 2 s), in this process or a `titrate` it starts, and no run depends on a cache left by another.
CACHE_DIR = os.environ["TITRATE_CACHE_DIR"] = tempfile.mkdtemp(prefix="titrate-test-cache-")


#: Set by tests/mutation/run.sh.
FRESH_CACHES = os.environ.get("TITRATE_MUTATION") == "1"


@pytest.fixture(autouse=True)
def fresh_screen_caches():
    """Under mutation testing, every test starts with the screen's caches empty, so that every test that
    reads the vocabulary or screens a name runs the (mutated) code that does it, and is known to."""
    if FRESH_CACHES:
        from titrate.core.screen.conditions import conditions, screen_condition
        from titrate.core.screen.screening import screen_medication
        from titrate.core.screen.vocabulary import vocabulary

        for cached in (vocabulary, conditions, screen_medication, screen_condition):
            cached.cache_clear()


#: The system packages the suite needs (WeasyPrint's Pango and HarfBuzz, a font, Debian's chromium, the
#: English word list the screen's false-positive test reads), and the words in WeasyPrint's OSError that
#: name each library.
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium wamerican"
LIBRARY_PACKAGES = (("pangoft2", "libpangoft2-1.0-0"), ("harfbuzz-subset", "libharfbuzz-subset0"),
                    ("pango", "libpango-1.0-0"))
CHROMIUM = Path("/usr/bin/chromium")
WORDS = Path("/usr/share/dict/words")


def missing_system_package() -> str | None:
    """The first system package the suite needs that is not installed, or None."""
    try:
        import weasyprint  # noqa: F401 (loads Pango through cffi: OSError when the library is missing)
    except OSError as error:
        text = str(error).lower()
        return next((package for library, package in LIBRARY_PACKAGES if library in text), "libpango-1.0-0")
    if not CHROMIUM.exists():
        return "chromium"
    if not WORDS.exists():
        return "wamerican"
    return None


def pytest_unconfigure(config):
    shutil.rmtree(CACHE_DIR, ignore_errors=True)


def pytest_sessionstart(session):
    """Stop at once, with one line naming the package, rather than fail every PDF or browser test."""
    missing = missing_system_package()
    if missing is not None:
        pytest.exit(f"{missing} is missing; install the system packages: apt-get install {SYSTEM_PACKAGES}",
                    returncode=pytest.ExitCode.USAGE_ERROR)
