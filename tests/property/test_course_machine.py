"""Any sequence of changes to a course composes: a state machine makes a plan through the service layer,
applies random adjustments (often several from one date, as a clinician who changes their mind does),
reads each revision back from its file, renders it in every text format, and checks every rule and the
diff after each step. Each step either yields a plan that keeps the rules or is refused with one line
naming the rule or the field: any other exception fails the test.

CI runs it derandomised (HYPOTHESIS_PROFILE=ci); `tests/property/run_long.sh` runs it with many more
examples.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from strategies import avoids_skipped_days, hundredths

from titrate.core import rules
from titrate.core.model import AdjustmentKind, Plan
from titrate.errors import InputError, RefusedError
from titrate.formats import FORMATS
from titrate.service.plans import (
    AdjustmentRequest,
    PlanRequest,
    adjust_plan,
    diff_plans,
    make_plan,
    read_plan,
    render_plan,
    write_plan,
)

GENERATED = datetime(2026, 12, 1, tzinfo=UTC)
ZONES = ["Europe/London", "America/Santiago", "Australia/Lord_Howe", "America/New_York", "UTC"]
#: Every format but the PDF, which WeasyPrint renders from the same HTML (checked once per course below).
TEXT_FORMATS = [name for name in FORMATS if name != "pdf"]
REASONS = ["flare", "vivid dreams", "surgery", "patient's wish"]
#: Stopping ends a course, so it is drawn less often than the changes that keep it going.
KINDS = [AdjustmentKind.HOLD, AdjustmentKind.STEP_BACK, AdjustmentKind.RETIME, AdjustmentKind.TARGET,
         AdjustmentKind.STEP_BACK, AdjustmentKind.TARGET, AdjustmentKind.STOP, AdjustmentKind.PAUSE,
         AdjustmentKind.PAUSE, AdjustmentKind.RESUME]
#: Dose times in the window, at its edges, and outside it (a morning dose needs the window override; 20:59
#: is refused).
TIMES = [time(21, 0), time(22, 30), time(23, 59), time(8, 0), time(20, 59)]
#: The protocols' levels, the ceiling and past it, and any hundredth.
TARGETS = st.sampled_from([Decimal("2"), Decimal("3"), Decimal("4.5")]) | st.sampled_from(
    [Decimal("0.5"), Decimal("1.5"), Decimal("6")]) | hundredths("0.25", "4.5")


def one_line(error: Exception) -> bool:
    return "\n" not in str(error) and str(error).strip() != ""


class Course(RuleBasedStateMachine):
    """A clinician's course: a plan, then adjustments in any order from any date on or after the last."""

    def __init__(self) -> None:
        super().__init__()
        self.revisions: list[Plan] = []

    @property
    def plan(self) -> Plan:
        return self.revisions[-1]

    @initialize(start=st.dates(date(2026, 1, 1), date(2030, 12, 31)), zone=st.sampled_from(ZONES),
                protocol=st.sampled_from(["classic", "gentle", "low-start"]),
                days=st.none() | st.integers(14, 240), spasticity=st.booleans())
    def make(self, start: date, zone: str, protocol: str, days: int | None, spasticity: bool) -> None:
        if not avoids_skipped_days(zone, start, 800):
            start = date(2027, 1, 4)
        request = PlanRequest(start=start, time_zone=zone, protocol=protocol, days=days, spasticity=spasticity,
                              label="Course test")
        self.revisions = [make_plan(request, generated_at=GENERATED)]
        note(f"plan: start {start}, {zone}, {protocol}, {days} days, spasticity={spasticity}")

    def _effective(self, data: st.DataObject) -> date:
        """A date on or after the last adjustment's, drawn where mistakes live: that very date again (a
        clinician changing their mind; the crash of issue 19), a day around a change of dose, the last
        day and just after it, or any date."""
        plan = self.plan
        first = plan.adjustments[-1].settled_from if plan.adjustments else plan.start
        last = max(first, plan.end + timedelta(days=10))
        changes = [day.date + timedelta(days=shift) for before, day in zip(plan.days, plan.days[1:])
                   if day.dose_mg != before.dose_mg for shift in (-1, 0, 1, 3)]
        edges = [when for when in [*changes, plan.end, plan.end + timedelta(days=1)] if first <= when <= last]
        if plan.adjustments and data.draw(st.booleans(), label="same date as the last change"):
            return first
        choices = st.sampled_from(edges) | st.dates(first, last) if edges else st.dates(first, last)
        return data.draw(choices, label="from")

    def _apply(self, request: AdjustmentRequest) -> None:
        note(f"adjust: {request}")
        try:
            new = adjust_plan(self.plan, request, generated_at=GENERATED)
        except (InputError, RefusedError) as refused:
            assert one_line(refused), repr(str(refused))
            if isinstance(refused, RefusedError):
                assert refused.rule in rules.RULES_BY_ID or refused.rule
            note(f"refused: {refused}")
            return
        self._check_revision(self.plan, new, request.effective)
        self.revisions.append(new)

    def _check_revision(self, old: Plan, new: Plan, since: date) -> None:
        assert (new.plan_id, new.revision, new.supersedes) == (old.plan_id, old.revision + 1, old.revision)
        assert [d for d in old.days if d.date < since] == [d for d in new.days if d.date < since]
        changed = diff_plans(old, new)
        assert all(change.date >= since for change in changed.days)
        before = {day.date: (day.dose_mg, day.time) for day in old.days}
        after = {day.date: (day.dose_mg, day.time) for day in new.days}
        assert {change.date for change in changed.days} == {
            when for when in before.keys() | after.keys() if before.get(when) != after.get(when)}

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def adjust(self, data: st.DataObject, kind: AdjustmentKind) -> None:
        """One adjustment of any kind, a stopped course included: a single rule, so that every kind is as
        likely at every step (with a rule per kind, Hypothesis's swarm testing leaves most kinds out of most
        runs)."""
        when, reason = self._effective(data), data.draw(st.sampled_from(REASONS), label="reason")
        last = self.plan.adjustments[-1].paused if self.plan.adjustments else None
        if kind is AdjustmentKind.RESUME and last is not None:  # mostly inside the pause, its ends included
            when = data.draw(st.dates(last[0], last[1]) | st.just(when), label="resume on")
        if kind is AdjustmentKind.HOLD:
            request = AdjustmentRequest(kind, when, reason, days=data.draw(st.integers(1, 60), label="days"))
        elif kind is AdjustmentKind.STEP_BACK:
            request = AdjustmentRequest(kind, when, reason, days=data.draw(st.integers(1, 120), label="days"),
                                        dose_mg=data.draw(st.none() | hundredths("0.25", "4.5"), label="to"))
        elif kind is AdjustmentKind.RETIME:
            at = data.draw(st.sampled_from(TIMES), label="time")
            overrides = (("window", "morning dose for sleep problems"),) if at.hour < 21 else ()
            request = AdjustmentRequest(kind, when, reason, time=at, overrides=overrides)
        elif kind is AdjustmentKind.TARGET:
            request = AdjustmentRequest(kind, when, reason, dose_mg=data.draw(TARGETS, label="target"))
        elif kind is AdjustmentKind.PAUSE:
            request = self._pause(data, when, reason)
        else:
            request = AdjustmentRequest(kind, when, reason)
        self._apply(request)

    def _pause(self, data: st.DataObject, when: date, reason: str) -> AdjustmentRequest:
        """A pause of a day to a few months, resuming at the held dose or restarting, sometimes for an
        opioid whose last dose falls around the pause, so that the resume is as often too early as not."""
        until = when + timedelta(days=data.draw(st.integers(1, 90), label="pause days"))
        restart = data.draw(st.booleans(), label="restart")
        if not data.draw(st.booleans(), label="opioid"):
            return AdjustmentRequest(AdjustmentKind.PAUSE, when, reason, until=until, restart=restart)
        last = data.draw(st.dates(when - timedelta(days=3), until), label="last opioid dose")
        return AdjustmentRequest(AdjustmentKind.PAUSE, when, reason, until=until, restart=restart,
                                 opioid="oxycodone", last_opioid_dose=last,
                                 washout_days=data.draw(st.integers(7, 14), label="washout days"))

    @invariant()
    def keeps_every_rule_reads_back_and_renders(self) -> None:
        if not self.revisions:
            return
        plan = self.plan
        rules.enforce_plan(plan)  # raises RefusedError naming the rule a plan breaks
        assert read_plan(write_plan(plan)) == plan
        for name in TEXT_FORMATS:
            assert render_plan(plan, name).content

    def teardown(self) -> None:
        if len(self.revisions) > 1 and os.environ.get("TITRATE_LONG_RUN"):
            assert render_plan(self.plan, "pdf").content.startswith(b"%PDF-")


Course.TestCase.settings = settings(max_examples=int(os.environ.get("TITRATE_COURSE_EXAMPLES", "30")),
                                    stateful_step_count=12, deadline=None)
TestCourse = Course.TestCase
