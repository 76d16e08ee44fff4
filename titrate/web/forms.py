"""The plan form: its fields (every plan option the command line has), turning a submitted form into the
raw text fields the service parses, and placing each error beside the field it is about.

The form never builds a plan request itself: its values go to `service.parse_request` as text, so the
web app validates exactly as the CLI and the API do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from titrate.core.formulations import FORMS
from titrate.core.model import Plan
from titrate.core.protocols import DEFAULT_PROTOCOL, PROTOCOLS, tune
from titrate.core.record import Record
from titrate.core.rules import OVERRIDABLE, RULES_BY_ID
from titrate.core.units import format_mg
from titrate.core.wallclock import format_hhmm
from titrate.errors import InputError, RefusedError

__all__ = ["FIELDS", "REPLAN_SECTIONS", "SECTIONS", "Field", "FormError", "defaults", "error_for", "fingerprint",
           "from_plan", "raw_request", "replan_values"]


class Field(Record):
    """One input of the plan form. `name` is the PlanRequest field it feeds, unless it is an override."""

    name: str
    label: str
    kind: str = "text"  # text, date, time, number, select, textarea, checkbox, file
    help: str = ""
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    required: bool = False


SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("Patient", (
        Field("label", "Patient", required=True, help="A name or record number, shown on every output.",
              placeholder="e.g. Jane Doe or MRN 10442"),
        Field("time_zone", "Time zone", help="IANA name, e.g. Europe/London or America/New_York.",
              required=True),
        Field("dose_time", "Dose time", "time", help="Local wall clock; 21:00-23:59 unless overridden.",
              placeholder="22:00"),
        Field("conditions", "Conditions", "textarea", help="One a line, e.g. multiple sclerosis, hepatitis C."),
        Field("medications", "Medications", "textarea",
              help="One a line, brand or generic; every one is screened."),
        Field("spasticity", "Spasticity", "checkbox", help="Caps the dose at 3 mg a day."),
        Field("patient_file", "Patient file", "file",
              help="Optional TOML file of patient facts; the fields above add to it or win over it."),
    )),
    ("Protocol", (
        Field("start", "Start date", "date", required=True, help="Date of the first dose."),
        Field("protocol", "Protocol", "select", choices=tuple(PROTOCOLS)),
        Field("protocol_file", "Custom steps", "file",
              help="Optional TOML protocol file listing its own steps (see 'titrate protocols --help'); "
                   "replaces the protocol and its tuning."),
        Field("first_dose", "First dose (mg)", placeholder="protocol's", help="At most 1.5 mg."),
        Field("step", "Step (mg)", placeholder="protocol's", help="Increase per level, at most 1.5 mg."),
        Field("every", "Days per level", placeholder="protocol's", help="At least 7; or weeks like 2w."),
        Field("target", "Target (mg)", placeholder="protocol's", help="At most 4.5 mg (3 mg with spasticity)."),
    )),
    ("Length and review", (
        Field("days", "Length", help="Length of the plan: days, weeks like 12w or calendar months like 3m.",
              placeholder="titration + 90"),
        Field("until", "Or until", placeholder="YYYY-MM-DD or +3m",
              help="Last day of the plan, or a length from the start: +90, +12w or +3m (calendar months)."),
        Field("review_after", "Review after (at target)", placeholder="60",
              help="A 'review with your clinician' event."),
        Field("no_review", "No review event", "checkbox"),
    )),
    ("Coming off opioids", (
        Field("last_opioid_dose", "Last opioid dose", "date",
              help="The plan starts after the washout at the earliest."),
        Field("opioid", "Opioid stopped", placeholder="e.g. tramadol"),
        Field("washout_days", "Washout days", "number", placeholder="7", help="7 to 14."),
    )),
    ("What the patient measures", (
        Field("form", "Form", "select", choices=FORMS),
        Field("strengths", "Capsule strengths (mg)", placeholder="e.g. 1.5; 3",
              help="Capsules only; default: one capsule of each level's dose."),
        Field("concentration", "Concentration (mg)",
              help="mg per mL (liquid: 1, cream: 0.5 by default) or mg per drop (drops)."),
    )),
    ("Pharmacy supply", (
        Field("supply_days", "Days per fill", placeholder="30", help="Days, or weeks like 4w."),
        Field("lead_days", "Re-order days ahead", "number", placeholder="7"),
        Field("shelf_life_days", "Liquid shelf life (days)", "number", placeholder="30"),
    )),
    ("Plan identity", (
        Field("plan_id", "Plan id", placeholder="derived from the patient and start",
              help="Calendars update a plan's events by this id."),
        Field("revision", "Revision", "number", placeholder="1"),
    )),
)

FIELDS: dict[str, Field] = {field.name: field for _, section in SECTIONS for field in section}
#: The re-plan form's sections: the plan form's, without the plan's identity (the re-plan keeps the id and
#: is the next revision).
REPLAN_SECTIONS = tuple((title, section) for title, section in SECTIONS if title != "Plan identity")

#: Where an overridable rule's reason box sits: beside the field whose value the rule refuses.
OVERRIDE_BESIDE = {"liver": "conditions", "spasticity": "spasticity", "window": "dose_time",
                   "antagonist": "medications"}
#: An example reason for each override, shown in its empty box.
OVERRIDE_EXAMPLES = {"liver": "e.g. hepatologist agrees; liver tests monitored monthly",
                     "spasticity": "e.g. neurologist agrees; stiffness unchanged at 3 mg",
                     "window": "e.g. persistent vivid dreams; morning dose agreed",
                     "antagonist": "e.g. switching from naltrexone 50 mg to LDN"}
#: The field a refusal is about, by rule id.
RULE_FIELD = {"opioid": "medications", "opioid-implied": "medications", "peripheral-opioid": "medications",
              "antispasticity": "medications", "liver": "conditions", "start": "first_dose", "ceiling": "target",
              "spasticity": "spasticity", "gradual": "step", "window": "dose_time", "amount": "strengths",
              "supply": "supply_days", "washout": "start", "review": "review_after", "revision": "revision"}
#: Service error fields that are not form fields, and the form field that holds them.
ERROR_FIELD = {"override": "overrides", "reason": "overrides", "overrides": "overrides",
               "patient_file_text": "patient_file", "protocol_file_text": "protocol_file",
               "review_after_days": "review_after", "maintenance_days": "days"}
#: Uploaded files, and the request field their text goes to (kept in the form across previews).
FILE_FIELDS = {"patient_file": "patient_file_text", "protocol_file": "protocol_file_text"}
#: Check boxes, and the request field each sets.
CHECKBOXES = ("spasticity", "no_review")

OVERRIDE_PREFIX = "override_"
#: Text areas that hold one item a line.
LINE_LISTS = ("conditions", "medications")


def override_field(rule: str) -> str:
    return OVERRIDE_PREFIX + rule


class FormError(Record):
    """An error placed beside a field (or at the top when `field` is None)."""

    field: str | None
    message: str
    rule: str | None = None
    overridable: bool = False


def defaults(default_zone: str | None) -> dict[str, str]:
    """The values a blank form starts with."""
    return {"protocol": DEFAULT_PROTOCOL, "form": "capsule", "time_zone": default_zone or ""}


def raw_request(form: Mapping[str, str], file_texts: Mapping[str, str]) -> dict[str, str | list[str]]:
    """The submitted form as the service's raw text fields (names of PlanRequest's fields). Lists go as
    lists, one item a line, so a ';' inside a medication or an override's reason stays where it is.
    `file_texts` holds the text of each uploaded file, by request field."""
    raw: dict[str, str | list[str]] = {name: form.get(name, "") for name in FIELDS
                                       if name not in (*FILE_FIELDS, *CHECKBOXES, *LINE_LISTS)}
    for name in LINE_LISTS:
        raw[name] = form.get(name, "").splitlines()
    for name in CHECKBOXES:
        raw[name] = "yes" if form.get(name) else "no"
    raw["overrides"] = [f"{rule}: {' '.join(form[override_field(rule)].split())}" for rule in OVERRIDABLE
                        if form.get(override_field(rule), "").strip()]
    raw.update({name: text for name, text in file_texts.items() if text})
    return raw


def fingerprint(secret: str, raw: Mapping[str, object], patient_id: int | None) -> str:
    """A keyed digest of the inputs a preview showed; saving needs it, so only what was seen is saved."""
    canonical = json.dumps({"raw": raw, "patient": patient_id}, sort_keys=True, ensure_ascii=True)
    return hmac.new(secret.encode(), b"preview\0" + canonical.encode(), hashlib.sha256).hexdigest()


def error_for(error: InputError | RefusedError) -> FormError:
    """Where on the form an error from the service belongs, and what it says."""
    if isinstance(error, RefusedError):
        field = OVERRIDE_BESIDE.get(error.rule) if error.overridable else RULE_FIELD.get(error.rule)
        return FormError(field, error.detail, rule=error.rule, overridable=error.overridable)
    field = error.field
    field = ERROR_FIELD.get(field, field) if field is not None else None
    return FormError(field if field in FIELDS or field == "overrides" else None, str(error))


def from_plan(plan: Plan) -> dict[str, str]:
    """A saved plan's patient facts as form values, to start the patient's next plan from."""
    values = {
        "label": plan.patient.label or "", "time_zone": plan.time_zone, "dose_time": format_hhmm(plan.dose_time),
        "conditions": "\n".join(c for c in plan.patient.conditions if c.casefold() != "spasticity"),
        "medications": "\n".join(plan.patient.medications), "spasticity": "on" if plan.patient.spasticity else "",
        "protocol": plan.protocol.name if plan.protocol.name in PROTOCOLS else DEFAULT_PROTOCOL,
        "form": plan.formulation.form,
    }
    values.update({override_field(o.rule): o.reason for o in plan.overrides})
    return values


def replan_values(plan: Plan) -> dict[str, str]:
    """Every input `plan` was made from, as form values, so that a re-plan changes only what the clinician
    changes (submitted as they are, they make the same days). The length is kept as a length, not an end
    date, so a later start moves the end with it; adjustments are not inputs and are not carried."""
    inputs = plan.inputs
    values = from_plan(plan) | _protocol_values(plan) | {
        "start": inputs.start.isoformat(),
        "target": format_mg(inputs.target_mg) if inputs.target_mg is not None else "",
        "days": str(inputs.length_asked) if inputs.length_asked is not None
        else str((inputs.end - inputs.start).days + 1) if inputs.end is not None else "",
        "review_after": str(inputs.review_asked or inputs.review_after_days or ""),
        "no_review": "on" if inputs.review_after_days is None else "",
        "supply_days": str(inputs.supply.supply_days), "lead_days": str(inputs.supply.lead_days),
        "shelf_life_days": str(inputs.supply.shelf_life_days)}
    if inputs.washout is not None:
        values |= {"opioid": inputs.washout.opioid, "last_opioid_dose": inputs.washout.last_dose.isoformat(),
                   "washout_days": str(inputs.washout.days)}
    if inputs.formulation is not None:
        values["strengths"] = "; ".join(format_mg(mg) for mg in inputs.formulation.strengths_mg)
        concentration = inputs.formulation.concentration_mg
        values["concentration"] = format_mg(concentration) if concentration is not None else ""
    return values


def _protocol_values(plan: Plan) -> dict[str, str]:
    """A built-in protocol by name and its tuning, checked by tuning it again; any other step list as the
    text of a protocol file (the form's hidden file text), so custom steps are never swapped for a built-in."""
    protocol = plan.protocol
    if protocol.name in PROTOCOLS:
        if tune(protocol.name) == protocol:
            return {"protocol": protocol.name}
        first, *rest = protocol.steps
        step = rest[0].dose_mg - first.dose_mg if rest else None
        if tune(protocol.name, first_dose_mg=first.dose_mg, step_mg=step, every_days=first.days) == protocol:
            return {"protocol": protocol.name, "first_dose": format_mg(first.dose_mg),
                    "step": format_mg(step) if step is not None else "", "every": str(first.days or "")}
    steps = "".join(f"\n[[steps]]\ndose_mg = \"{format_mg(step.dose_mg)}\"\n"
                    + (f"days = {step.days}\n" if step.days is not None else "") for step in protocol.steps)
    return {"protocol_file_text": f"name = {_toml_string(protocol.name)}\nnote = {_toml_string(protocol.summary)}\n"
                                  + steps}


def _toml_string(text: str) -> str:
    """`text` as a TOML basic string: quotes, backslashes and unprintable characters escaped by code point
    (JSON's escapes would not do: TOML has no surrogate pairs for characters beyond U+FFFF)."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else
                         f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in text) + '"'


def choice_label(field: str, choice: str) -> str:
    """What a select shows for a choice: a protocol as its steps."""
    return f"{choice}: {PROTOCOLS[choice].summary}" if field == "protocol" else choice


def protocol_steps() -> list[tuple[str, str]]:
    """Each built-in protocol as its steps, shown under the protocol choice."""
    return [(protocol.name, protocol.describe()) for protocol in PROTOCOLS.values()]


def rule_statement(rule: str) -> str:
    return RULES_BY_ID[rule].statement if rule in RULES_BY_ID else ""


# The adjust form ---------------------------------------------------------------------------------

#: The kinds of adjustment, as the form offers them (values are the service's kinds).
ADJUST_KINDS = (
    ("hold", "Hold", "stay at the current dose for more days; later steps shift"),
    ("step-back", "Step back", "lower the dose for a while (one level down unless you give a dose), then climb "
                               "again"),
    ("retime", "Retime", "take the dose at another time from that date (e.g. mornings, for vivid dreams)"),
    ("target", "New target", "settle at another dose, lower or higher, within the rules"),
    ("stop", "Stop", "the last dose is the day before that date"),
    ("pause", "Pause", "no dose from that date until the day it ends (surgery, an illness, opioids); then start "
                       "again at the dose held before, or from the first dose"),
)
#: The adjust form's fields: the service's raw adjustment fields, with their labels and help.
ADJUST_FIELDS = (
    Field("from", "From", "date", required=True, help="First day the change applies to; days before stay as "
                                                      "they are."),
    Field("days", "For", help="Hold and step back: how many days, or weeks like 2w (a hold: or months like 1m)."),
    Field("to", "Step back to (mg)", placeholder="one level down", help="Step back only."),
    Field("time", "New dose time", "time", help="Retime only."),
    Field("target", "New target (mg)", help="New target only."),
    Field("until", "Pause until", "date", help="Pause only: the day doses start again."),
    Field("restart", "Start again from the first dose", "checkbox", help="Pause only: climb again step by step."),
    Field("opioid", "Opioid taken during the pause", help="Pause only: the resume waits for its washout."),
    Field("last_opioid_dose", "Last opioid dose", "date", help="Pause only, with the opioid."),
    Field("washout_days", "Washout (days)", "number", placeholder="7", help="Pause only, with the opioid: 7 to 14."),
    Field("reason", "Reason", "textarea", required=True, help="Kept in the plan and shown in the history."),
)
#: Where a refusal of an adjustment belongs on the adjust form.
ADJUST_RULE_FIELD = {"revision": "from", "window": "time", "gradual": "days", "ceiling": "target",
                     "spasticity": "target", "start": "to", "amount": "to", "washout": "until"}


def adjust_raw(form: Mapping[str, str]) -> dict[str, str]:
    """The adjust form as the service's raw adjustment fields; an override goes with the reason given."""
    raw = {name: form.get(name, "") for name in ("kind", "reason", *(f.name for f in ADJUST_FIELDS))}
    if form.get("override", "").strip():
        raw["override"] = form["override"]
    return raw


def adjust_error_for(error: InputError | RefusedError, kind: str) -> FormError:
    """Where on the adjust form an error belongs: a dose is the step-back's 'to' or the new target."""
    if isinstance(error, RefusedError):
        return FormError(ADJUST_RULE_FIELD.get(error.rule), error.detail, rule=error.rule,
                         overridable=error.overridable)
    field = {"dose_mg": "to" if kind == "step-back" else "target", "effective": "from"}.get(error.field or "",
                                                                                           error.field)
    known = {"kind", "override", *(f.name for f in ADJUST_FIELDS)}
    return FormError(field if field in known else None, str(error))
