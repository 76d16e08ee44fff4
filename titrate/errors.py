"""One exception family, so every shell can map each kind of failure to one exit status or HTTP status.

Errors carry fields, not shell words: a core message never names a command-line flag or a form field's
label. `InputError.field` says which input was wrong; `RefusedError.rule` which rule refused and whether
a clinician may override it, so the CLI can hint `--override RULE --reason TEXT` and the web app a reason
box beside the field.

Each class states what it maps to (click's exceptions carry their exit code the same way): `exit_status`
for the CLI, `http_status` for the web app, `code` and `reported` for the JSON error body
(`{"error": code, <reported fields>, "message": ...}`). The shells read these once each, from the class,
so a new error needs no new handler. The family lives here, open to every layer, so a shell maps an error
without importing the module that raises it (the sync module needs the optional caldav extra).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ConflictError", "InputError", "NotFoundError", "RefusedError", "StoreError", "SyncError",
           "TitrateError"]


class TitrateError(Exception):
    """Base of every error titrate raises on purpose."""

    #: The CLI's exit status for this error.
    exit_status: ClassVar[int] = 1
    #: The web app's HTTP status for this error.
    http_status: ClassVar[int] = 500
    #: The typed API's status, when it differs: its schema already refused malformed input (a 400), so an
    #: error the service raises on input that matched the schema is the API's 422.
    api_status: ClassVar[int | None] = None
    #: The JSON error body's "error" value.
    code: ClassVar[str] = "error"
    #: The attributes the JSON error body carries, in order, between "error" and "message".
    reported: ClassVar[tuple[str, ...]] = ()


class InputError(TitrateError, ValueError):
    """The input is malformed or out of range (exit status 2); `field` names the input when known."""

    exit_status = 2
    http_status = 400
    api_status = 422
    code = "input"
    reported = ("field",)

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class RefusedError(TitrateError):
    """A clinical rule refuses the plan (exit status 3); names the rule."""

    exit_status = 3
    http_status = 422
    code = "refused"
    reported = ("rule", "overridable")

    def __init__(self, rule_id: str, detail: str, *, overridable: bool = False) -> None:
        super().__init__(f"refused by rule '{rule_id}': {detail}")
        self.rule_id = rule_id
        self.detail = detail
        self.overridable = overridable

    @property
    def rule(self) -> str:
        return self.rule_id


class NotFoundError(TitrateError, LookupError):
    """No such patient, plan or revision: the input names nothing there is (exit status 2, HTTP 404)."""

    exit_status = 2
    http_status = 404
    code = "not-found"


class ConflictError(TitrateError):
    """A save based on a revision that is no longer the latest, or a plan id already taken (HTTP 409);
    `latest` is the latest revision when the conflict is a stale edit."""

    exit_status = 1
    http_status = 409
    code = "conflict"
    reported = ("latest",)

    def __init__(self, message: str, *, latest: int | None = None) -> None:
        super().__init__(message)
        self.latest = latest


class StoreError(TitrateError):
    """The patient database cannot be used (made by a newer titrate, or not a titrate database)."""

    exit_status = 1
    http_status = 503
    code = "store"


class SyncError(TitrateError):
    """The CalDAV server could not be reached, refused the login, or failed a request: one line for the
    user (HTTP 502: another server failed us)."""

    exit_status = 1
    http_status = 502
    code = "sync"
