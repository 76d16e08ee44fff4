"""The guard: Host allow-list, the per-launch secret, CSRF, body cap, and the headers on every response."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import JANE_FORM, SECRET, csrf_of
from fastapi.testclient import TestClient

from titrate.web import security
from titrate.web.security import cookie_name, csrf_token

TEMPLATES = Path(__file__).resolve().parents[2] / "titrate" / "web" / "templates"


def test_without_the_secret_nothing_is_served(anonymous):
    for path in ("/", "/patients/new", "/static/titrate.css", "/api/v1/patients", "/api/v1/openapi.json"):
        response = anonymous.get(path)
        assert response.status_code == 403, path
        assert "Traceback" not in response.text
    assert anonymous.get("/api/v1/patients").json()["error"] == "refused"
    assert anonymous.get("/?token=wrong-secret").status_code == 403
    assert anonymous.get("/", headers={"authorization": "Bearer wrong"}).status_code == 403
    assert anonymous.get("/", headers={"cookie": f"{cookie_name(SECRET)}=wrong"}).status_code == 403


def test_the_printed_url_swaps_the_token_for_a_strict_httponly_cookie(anonymous):
    response = anonymous.get(f"/patients/new?q=a%20b&token={SECRET}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/patients/new?q=a+b"  # the secret leaves the address bar
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(SECRET)}={SECRET};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert anonymous.get("/").status_code == 200  # the client now holds the cookie


def test_the_token_redirect_never_leaves_the_site(anonymous):
    response = anonymous.get(f"//evil.example/?token={SECRET}", follow_redirects=False)
    assert response.headers["location"].startswith("/") and not response.headers["location"].startswith("//")


def test_a_wrong_host_is_refused_even_with_the_secret(client):
    for host in ("evil.example", "testserver.evil.example", "127.0.0.1:1", ""):
        response = client.get("/", headers={"host": host})
        assert response.status_code == 400, host
        assert "Jane" not in response.text


def test_cookie_names_differ_per_launch():
    assert cookie_name("one") != cookie_name("two") and csrf_token("one") != csrf_token("two")


def test_a_form_without_the_right_csrf_token_is_refused_and_saves_nothing(client, store):
    for token in (None, "", "0" * 64, csrf_token("another launch")):
        data = {**JANE_FORM, "action": "save"} | ({"csrf": token} if token is not None else {})
        response = client.post("/plans", data=data, follow_redirects=False)
        assert response.status_code == 403, token
    assert store.patients() == []
    good = client.post("/plans", data={**JANE_FORM, "csrf": csrf_of(client.get("/patients/new").text)})
    assert good.status_code == 200 and "svg" in good.text


def test_a_write_from_another_origin_is_refused(client, store):
    data = {**JANE_FORM, "csrf": csrf_of(client.get("/patients/new").text)}
    assert client.post("/plans", data=data, headers={"origin": "http://evil.example"}).status_code == 403
    assert client.post("/plans", data=data, headers={"origin": "http://testserver.evil.example"}).status_code == 403
    assert client.post("/plans", data=data, headers={"origin": "http://testserver"}).status_code == 200
    # our own forms under Referrer-Policy no-referrer: the CSRF token decides
    assert client.post("/plans", data=data, headers={"origin": "null"}).status_code == 200


def test_bodies_are_capped(app, client, monkeypatch):
    big = "x" * (security.MAX_BODY + 1)
    response = client.post("/api/v1/plans", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "refused"
    chunked = client.post("/api/v1/plans", content=iter([b"{}"]), headers={"content-type": "application/json"})
    assert chunked.status_code == 411


def test_every_response_carries_the_security_headers(client, anonymous):
    responses = [client.get("/"), client.get("/static/titrate.css"), client.get("/api/v1/patients"),
                 client.get("/nowhere"), anonymous.get("/"), client.get("/", headers={"host": "evil.example"})]
    for response in responses:
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp  # no script at all: default-src 'none' covers it
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"


def test_templates_hold_no_inline_script_style_or_external_asset():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script" not in text and "style=" not in text and "<style" not in text, template.name
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", text), template.name


def test_only_the_chart_is_marked_safe():
    marked = {template.name: re.findall(r"\{\{\s*([\w.]+)\s*\|\s*safe", template.read_text(encoding="utf-8"))
              for template in TEMPLATES.glob("*.html")}
    assert {name: found for name, found in marked.items() if found} == {"_plan_view.html": ["view.chart"],
                                                                         "adjust.html": ["chart"]}


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/"])
def test_the_bearer_secret_also_opens_the_app(app, path):
    assert TestClient(app, headers={"authorization": f"Bearer {SECRET}"}).get(path).status_code == 200
