"""One exception family, so every shell can map each kind of failure to one exit status or HTTP status.

Errors carry fields, not shell words: a core message never names a command-line flag or a form field's
label. `InputError.field` says which input was wrong; `RefusedError.rule` which rule refused and whether
a clinician may override it, so the CLI can hint `--override RULE --reason TEXT` and the web app a reason
box beside the field.
"""

from __future__ import annotations


class TitrateError(Exception):
    """Base of every error titrate raises on purpose."""


class InputError(TitrateError, ValueError):
    """The input is malformed or out of range (exit status 2); `field` names the input when known."""

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class RefusedError(TitrateError):
    """A clinical rule refuses the plan (exit status 3); names the rule."""

    def __init__(self, rule_id: str, detail: str, *, overridable: bool = False) -> None:
        super().__init__(f"refused by rule '{rule_id}': {detail}")
        self.rule_id = rule_id
        self.detail = detail
        self.overridable = overridable

    @property
    def rule(self) -> str:
        return self.rule_id
