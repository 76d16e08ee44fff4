"""The request context every router needs (the store, the secret, the clock, the templates), set on the app
by `create_app` and handed to handlers as a FastAPI dependency: routers import this module, never the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import Field

from titrate.core.record import Record
from titrate.formats.common import DISCLAIMER
from titrate.service.store import Store
from titrate.web.security import csrf_token

__all__ = ["MAX_ROW", "Context", "ContextDep", "RowNumber", "context", "row_number"]


class Context(Record):
    """What every handler needs, handed in by the shell that starts the app."""

    store: Store
    secret: str
    clock: Callable[[], datetime]
    default_zone: str | None
    templates: Jinja2Templates

    def page(self, request: Request, name: str, status_code: int = 200, **values: object) -> HTMLResponse:
        """A page from its template, with what every page shows (the disclaimer, the CSRF token)."""
        return self.templates.TemplateResponse(
            request, name, {"csrf": csrf_token(self.secret), "disclaimer": DISCLAIMER, **values},
            status_code=status_code)


def context(request: Request) -> Context:
    """The app's context, for the request being served."""
    found: Context = request.app.state.context
    return found


#: A handler's parameter of this type receives the context: `def page(ctx: ContextDep)`.
ContextDep = Annotated[Context, Depends(context)]

#: The largest number SQLite stores (a signed 64-bit integer): a patient id or revision beyond it names
#: nothing, and handed to the store it would overflow (a 500).
MAX_ROW = 2**63 - 1
#: A patient id or revision in a path, query or JSON body: outside 1..MAX_ROW it is a 400 naming the field.
RowNumber = Annotated[int, Field(ge=1, le=MAX_ROW)]


def row_number(text: str) -> int:
    """A patient id or revision from a form field, or 0, which names nothing (a 404), when it is not a
    number of ASCII digits the store could hold."""
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ROW else 0
