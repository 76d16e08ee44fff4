"""One exception family, so the CLI can map each kind of failure to one exit status."""


class TitrateError(Exception):
    """Base of every error titrate raises on purpose."""


class InputError(TitrateError, ValueError):
    """The input is malformed or out of range (exit status 2)."""


class RefusedError(TitrateError):
    """A clinical rule refuses the plan (exit status 3); names the rule."""

    def __init__(self, rule_id: str, detail: str) -> None:
        super().__init__(f"refused by rule '{rule_id}': {detail}")
        self.rule_id = rule_id
        self.detail = detail
