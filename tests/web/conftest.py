"""The web app built exactly as `titrate serve` builds it, on a real SQLite file in a temporary folder."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from titrate.service.store import Store
from titrate.web.app import create_app

SECRET = "test-secret-0123456789"
#: The plan form as a clinician fills it in: a patient with an interferon warning and an unknown medication.
JANE_FORM = {"label": "Jane Doe", "start": "2026-12-01", "time_zone": "Europe/London", "protocol": "classic",
             "form": "capsule", "conditions": "multiple sclerosis", "medications": "Avonex\nzorblaxin"}
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "titrate.db")


@pytest.fixture
def app(store):
    return create_app(store=store, secret=SECRET, allowed_hosts=["testserver"], clock=lambda: NOW,
                      default_zone="Europe/London")


@pytest.fixture
def anonymous(app):
    """A client without the secret."""
    return TestClient(app)


@pytest.fixture
def client(app):
    """A client that opened the printed URL, so it holds the session cookie."""
    client = TestClient(app)
    assert client.get(f"/?token={SECRET}").status_code == 200
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)
