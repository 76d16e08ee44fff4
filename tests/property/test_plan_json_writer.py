"""plan_io writes plan files itself (json's indenting encoder is pure Python and slow): its bytes are what
json.dumps(indent=2, ensure_ascii=False) writes, over random plans, labels and revisions."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import adjustment_steps, plan_requests

from titrate.core.revise import adjust
from titrate.errors import InputError, RefusedError
from titrate.formats import plan_json as plan_io
from titrate.service.plans import make_plan

GENERATED = datetime(2026, 11, 1, tzinfo=UTC)


@given(plan_requests(), st.data())
def test_a_plan_file_is_what_json_dumps_writes(request, data):
    plan = make_plan(request, generated_at=GENERATED)
    for _ in range(data.draw(st.integers(0, 2))):
        with contextlib.suppress(InputError, RefusedError):
            plan = adjust(plan, generated_at=GENERATED, **data.draw(adjustment_steps(plan)))
    assert plan_io.dumps(plan) == json.dumps(plan_io.plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("value", [{}, [], {"a": []}, {"a": {}}, [None, True, False, 0, -7, 'é\\"\u2028\n'],
                                   {"nested": [{"x": [1, [2, []]]}]}])
def test_every_kind_of_value_is_written_as_json_writes_it(value):
    out: list[str] = []
    plan_io._indented(value, "\n", out, json.encoder.encode_basestring)
    assert "".join(out) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [{"mg": 1.5}, {1: "a key that is not text"}, [{"mg": "1.50", 2: "two"}]])
def test_a_value_a_plan_never_holds_is_refused(value):
    with pytest.raises(TypeError):
        plan_io._indented(value, "\n", [], json.encoder.encode_basestring)
