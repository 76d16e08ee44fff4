"""The app factory: the patient store, the pages, the JSON API and the guard, put together.

`create_app` takes everything it would otherwise read from the machine (the store, the secret, the
clock, the default zone), so tests build it exactly as `titrate serve` does. Error types map to HTTP
statuses here and only here: JSON under /api, a page elsewhere, never a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from titrate.core.units import format_mg
from titrate.errors import TitrateError
from titrate.service.store import Store
from titrate.version import __version__
from titrate.web.deps import Context, context
from titrate.web.security import MAX_BODY, Guard

__all__ = ["API", "create_app"]

#: The API's one version, in every path of its own (the OpenAPI document too).
API = "/api/v1"


def create_app(*, store: Store, secret: str, allowed_hosts: Iterable[str], clock: Callable[[], datetime],
               default_zone: str | None = None, max_body: int = MAX_BODY) -> FastAPI:
    """The whole app. Only requests whose Host is in `allowed_hosts` and that carry `secret` are served."""
    from titrate.web import api, forms, pages

    environment = jinja2.Environment(loader=jinja2.PackageLoader("titrate.web", "templates"), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(
        override_beside=forms.OVERRIDE_BESIDE, override_examples=forms.OVERRIDE_EXAMPLES,
        rule_statement=forms.rule_statement, file_fields=forms.FILE_FIELDS, choice_label=forms.choice_label,
        protocol_steps=forms.protocol_steps(), mg=lambda dose: f"{format_mg(dose)} mg")
    app = FastAPI(title="titrate", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=f"{API}/openapi.json",
                  description="Plans low-dose naltrexone (LDN) titration; a planning aid for clinicians.")
    app.state.context = Context(store, secret, clock, default_zone, Jinja2Templates(env=environment))
    app.include_router(pages.router)
    app.include_router(api.router, prefix=API)
    app.mount("/static", StaticFiles(packages=[("titrate.web", "static")]), name="static")
    for error_type, handler in _HANDLERS.items():
        app.add_exception_handler(error_type, handler)
    app.add_middleware(Guard, secret=secret, allowed_hosts=allowed_hosts, max_body=max_body)
    return app


def _reply(request: Request, status: int, body: dict[str, object], headers: Mapping[str, str] | None = None) -> Response:
    body = {key: _writable(value) for key, value in body.items()}
    if request.url.path.startswith("/api"):
        return JSONResponse(body, status_code=status, headers=headers)
    return context(request).page(request, "error.html", status_code=status, status=status, error=body)


def _writable(value: object) -> object:
    """`value` with any character UTF-8 cannot encode (a lone surrogate a client sent as "\\ud800") shown as
    its escape: an error quoting the client's text must not fail, as a 500, while being written."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


async def _titrate_error(request: Request, error: Exception) -> Response:
    """Every error of the family, from its class: the status, the "error" code and the fields it reports
    (starlette finds this handler through the class hierarchy)."""
    assert isinstance(error, TitrateError)
    fields = {name: getattr(error, name) for name in error.reported}
    status = error.http_status
    if error.api_status is not None and request.url.path.startswith(API):
        status = error.api_status
    return _reply(request, status, {"error": error.code, **fields, "message": str(error)})


async def _validation(request: Request, error: Exception) -> Response:
    """A body, path or query not as the schema says: a 400 naming the input by its own name (the last
    name on the error's path, not pydantic's wrappers) and quoting what was sent."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {}
    names = [str(part) for part in first.get("loc", ()) if str(part).isidentifier()
             and part not in ("body", "query", "path")]
    message = str(first.get("msg", "bad request"))
    if isinstance(first.get("input"), str):
        message += f" (got {first['input']!r})"
    return _reply(request, 400, {"error": "input", "field": names[-1] if names else None, "message": message})


async def _http(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    cause = error.__cause__
    if isinstance(cause, UnicodeDecodeError):  # FastAPI's "error parsing the body" would not say what is wrong
        return _reply(request, 400, {"error": "input", "field": None, "message": (
            f"the body is not UTF-8 text: byte 0x{cause.object[cause.start]:02x} at position {cause.start} "
            "cannot be read; send JSON encoded as UTF-8")})
    # headers kept: a 405 names the methods allowed (Allow)
    return _reply(request, error.status_code, {"error": "http", "message": str(error.detail)}, error.headers)


_HANDLERS = {TitrateError: _titrate_error, RequestValidationError: _validation, HTTPException: _http}
