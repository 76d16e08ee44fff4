"""Hypothesis profiles: `ci` is derandomised (the same examples every run) with no deadline, since a
shared 2-core CI machine has noisy timings; `dev` explores new examples each run. Chosen by
HYPOTHESIS_PROFILE (default dev)."""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=60)
# tests/mutation/run.sh runs the suite once per mutant: fewer examples, the same ones each time.
settings.register_profile("mutation", derandomize=True, deadline=None, max_examples=20,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


#: Set by tests/mutation/run.sh.
FRESH_CACHES = os.environ.get("TITRATE_MUTATION") == "1"


@pytest.fixture(autouse=True)
def fresh_screen_caches():
    """Under mutation testing, every test starts with the screen's caches empty, so that every test that
    reads the vocabulary or screens a name runs the (mutated) code that does it, and is known to."""
    if FRESH_CACHES:
        from titrate.core.screen.screening import screen_condition, screen_medication
        from titrate.core.screen.vocabulary import vocabulary

        for cached in (vocabulary, screen_medication, screen_condition):
            cached.cache_clear()
