"""The guard in front of every request: only the right Host, only with the per-launch secret, only small
bodies; and the headers every response carries.

The app holds patient data on a clinician's machine, so it trusts nothing by default:
- Host allow-list: a web page elsewhere cannot reach it by pointing a DNS name at 127.0.0.1 (DNS
  rebinding), because its requests carry that name as Host.
- Per-launch secret: `titrate serve` prints a URL with `?token=SECRET`; the first visit swaps it for an
  HttpOnly SameSite=Strict cookie and redirects to the same page without the token. API clients may send
  `Authorization: Bearer SECRET` instead. Another local user or program without the secret gets 403.
- Forms carry a CSRF token derived from the secret (checked by the page handlers, `csrf_ok`); JSON API
  writes must be `application/json`, which a cross-site form cannot send; and a write whose Origin names
  another site is refused outright.
- A strict Content-Security-Policy: nothing inline runs, nothing loads from elsewhere, no framing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "Guard", "cookie_name", "csrf_token"]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",  # pages name patients: keep them out of shared caches and history stores
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
MAX_BODY = 1_000_000
log = logging.getLogger("titrate.web")


def cookie_name(secret: str) -> str:
    """Cookie names differ per launch, so two apps on different ports of one host do not clobber each
    other's cookie (cookies ignore ports)."""
    return "titrate-" + hashlib.sha256(secret.encode()).hexdigest()[:10]


def csrf_token(secret: str) -> str:
    return hmac.new(secret.encode(), b"csrf", hashlib.sha256).hexdigest()


def csrf_ok(secret: str, submitted: str | None) -> bool:
    return submitted is not None and hmac.compare_digest(submitted.encode(), csrf_token(secret).encode())


class Guard:
    """ASGI middleware: Host allow-list, secret, body cap, security headers (on every response, refusals
    included)."""

    def __init__(self, app: ASGIApp, *, secret: str, allowed_hosts: Iterable[str], max_body: int = MAX_BODY) -> None:
        self.app = app
        self.secret = secret
        self.cookie = cookie_name(secret)
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The steps in order, each answering on its own: refuse a wrong Host, an unannounced or oversized
        body, another site's write; swap a first visit's token for the cookie; refuse a request without the
        secret; serve the rest."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        path: str = scope["path"]
        method: str = scope["method"]
        refusal = (self._host_refusal(headers) or self._body_refusal(method, headers)
                   or self._origin_refusal(method, headers))
        if refusal is not None:
            await _refuse(send, path, *refusal)
            return
        location = self._token_swap(method, path, scope.get("query_string", b""))
        if location is not None:
            await _redirect(send, location, f"{self.cookie}={self.secret}; HttpOnly; SameSite=Strict; Path=/")
            return
        if not self._authorised(headers):
            await _refuse(send, path, 403, "this titrate app needs its secret: open the full address that "
                                            "'titrate serve' printed (it ends in ?token=...)")
            return
        await self._serve(scope, receive, send)

    def _host_refusal(self, headers: dict[str, str]) -> tuple[int, str] | None:
        """Refuse a Host not on the allow-list, before anything else: a page elsewhere that points a DNS name
        at 127.0.0.1 (DNS rebinding) sends that name as its Host."""
        if headers.get("host", "").lower() not in self.allowed_hosts:
            return 400, "unknown host: open the address that 'titrate serve' printed"
        return None

    def _body_refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """Refuse a write whose body is unannounced or over the cap before reading any of it, so a huge
        upload costs the server nothing (`_capped` holds a client to what it announced)."""
        if method not in ("POST", "PUT", "PATCH"):
            return None
        length = headers.get("content-length")
        if length is None or not length.isdigit():
            return 411, "a request body needs a Content-Length"
        if int(length) > self.max_body:
            return 413, f"the request is larger than {self.max_body} bytes"
        return None

    def _origin_refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """Refuse a write that names another site as its Origin (cross-site request forgery). Under
        Referrer-Policy no-referrer browsers send "Origin: null" for our own forms, so only a named other
        site is refused here; the CSRF token guards the rest."""
        origin = headers.get("origin")
        if (method != "GET" and origin not in (None, "null")
                and urlsplit(origin).netloc.lower() not in self.allowed_hosts):
            return 403, "a request from another site is refused"
        return None

    def _token_swap(self, method: str, path: str, query_string: bytes) -> str | None:
        """Where to send a first visit that carries the secret as `?token=`: the same page without the
        token (so it leaves the address bar and the history), which the caller pairs with the cookie.
        None when the request carries no right token."""
        query = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        token = next((value for key, value in query if key == "token"), None)
        if token is None or method != "GET" or not self._is_secret(token):
            return None
        rest = urlencode([(key, value) for key, value in query if key != "token"])
        here = "/" + quote(path.lstrip("/"))  # never "//host": that would redirect off-site
        return here + (f"?{rest}" if rest else "")

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand an admitted request to the app, its body capped; an unexpected error is logged with its
        traceback and answered with a plain 500 (unless the response had already started), so a client never
        sees a stack trace."""
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, _capped(receive, self.max_body), tracked)
        except Exception:  # the log has the traceback; the client never sees it
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if not started:
                await _refuse(send, scope["path"], 500,
                              "titrate hit an unexpected error; the server's log has the details")

    def _is_secret(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self.secret.encode())

    def _authorised(self, headers: dict[str, str]) -> bool:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no secret
            return False
        if self.cookie in cookie and self._is_secret(cookie[self.cookie].value):
            return True
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and self._is_secret(credential.strip())


def _with_headers(send: Send) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {key.lower() for key, _ in message.get("headers", [])}
            extra = [(key.encode(), value.encode()) for key, value in SECURITY_HEADERS.items()
                     if key.encode() not in present]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)
    return sender


def _capped(receive: Receive, limit: int) -> Receive:
    """Stop reading past the cap even if a client sends more than its Content-Length said."""
    seen = 0

    async def receiver() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                return {"type": "http.disconnect"}
        return message
    return receiver


async def _refuse(send: Send, path: str, status: int, message: str) -> None:
    if path.startswith("/api"):
        body = json.dumps({"error": "refused", "message": message}).encode()
        media_type = b"application/json"
    else:
        body = (f"<!doctype html><html lang=en><meta charset=utf-8><title>titrate</title>"
                f"<h1>titrate</h1><p>{message}</p></html>").encode()
        media_type = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str, cookie: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode()),
                            (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
