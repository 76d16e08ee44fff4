"""One Radicale server for the sync tests; each test signs in as a user of its own, so each starts with
an empty account."""

from __future__ import annotations

import pytest
from caldav_server import USERS, Radicale

_users = iter(USERS)


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    server = Radicale(tmp_path_factory.mktemp("radicale")).start()
    yield server
    server.stop()


@pytest.fixture
def account(radicale):
    """A user with no calendars yet: (server, user, password)."""
    user = next(_users)
    return radicale, user, USERS[user]
