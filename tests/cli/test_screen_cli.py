"""The safety screen from the command line, tried with medication lists written the way real
prescriptions, discharge letters and patients write them."""

from __future__ import annotations

import json

import pytest

BASE = ["plan", "--start", "2026-12-01", "--tz", "Europe/London", "--days", "20"]


def refused(result, says: str) -> None:
    assert result.exit_code == 3, (result.exit_code, result.stderr)
    assert result.stdout == "" and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("medication, says", [
    ("Tylenol No. 3", "'Tylenol No. 3' is codeine + paracetamol (Tylenol #3, "),
    ("tylenol#3", "'tylenol#3' is codeine + paracetamol (Tylenol #3, "),
    ("Robitussin AC", "'Robitussin AC' is codeine + guaifenesin (Robitussin AC, "),
    ("Oxy Contin", "'Oxy Contin' is oxycodone (Oxycontin, UNII C1ENJ2TE6C), an opioid"),
    ("Lomotil", "'Lomotil' is diphenoxylate + atropine (Lomotil, UNII "),
    ("Panadeine Forte", "is codeine + paracetamol (Panadeine Forte, "), ("Endone", "is oxycodone (Endone, "),
    ("oxy\u00adcodone", "is oxycodone (oxycodone, UNII CD35PMG570), an opioid"),
    ("Percocet\u2122 5/325", "'Percocet\u2122 5/325' is oxycodone + paracetamol (Percocet, UNII C1ENJ2TE6C), an "
                             "opioid (opioid analgesics, ATC N02AJ17)"),
    ("Paramol", "'Paramol' is dihydrocodeine + paracetamol (Paramol, https://www.medicines.org.uk/emc/"),
    ("metformin, lisinopril; tramadol 50 mg BID and vitamin D",
     "'tramadol 50 mg BID' (in 'metformin, lisinopril; tramadol 50 mg BID and vitamin D') is tramadol (tramadol, "),
    ("oxycodne", "'oxycodne' is not a name titrate knows, but it is one letter from 'oxycodone' (oxycodone, UNII "
                 "CD35PMG570), an opioid (opioid analgesics, ATC N02AA05): confirm the spelling"),
    ("tramadol (stopped 2026-10-01)", "written as stopped, it still counts"),
])
def test_opioids_as_people_write_them_are_refused_naming_the_drug(run, medication, says):
    result = run(*BASE, "--medication", "vitamin D", "--medication", medication)
    refused(result, says)
    assert result.stderr.startswith("titrate: refused by rule 'opioid': ")


def test_full_dose_naltrexone_is_refused_unless_the_clinician_overrides_it(run):
    result = run(*BASE, "--medication", "Vivitrol")
    refused(result, "refused by rule 'antagonist': 'Vivitrol' is naltrexone (Vivitrol, UNII ")
    assert "; opioid antagonists at full dose, ATC N07BB04): " in result.stderr
    assert "To go ahead, add --override antagonist --reason TEXT." in result.stderr
    switched = run(*BASE, "--medication", "Vivitrol", "--override", "antagonist", "--reason", "switching to LDN",
                   "--format", "json")
    assert switched.exit_code == 0 and json.loads(switched.stdout)["inputs"]["overrides"] == [
        {"rule": "antagonist", "reason": "switching to LDN"}]


@pytest.mark.parametrize("condition", ["muscle spasticity", "spastic paraparesis", "MS with spasticity",
                                       "leg spasticity"])
def test_every_form_of_spasticity_caps_the_dose_exactly_as_the_flag_does(run, condition):
    by_flag = json.loads(run(*BASE, "--days", "60", "--spasticity", "--format", "json").stdout)
    by_condition = json.loads(run(*BASE, "--days", "60", "--condition", condition, "--format", "json").stdout)
    assert by_condition["target_mg"] == by_flag["target_mg"] == "3.00"
    assert by_condition["days"] == by_flag["days"]
    assert max(day["dose_mg"] for day in by_condition["days"]) == "3.00"


def test_pregnancy_written_with_weeks_is_pregnancy(run):
    data = json.loads(run(*BASE, "--condition", "pregnant (12 weeks)", "--format", "json").stdout)
    assert [w["rule"] for w in data["warnings"]] == ["pregnancy"]


def test_a_misspelt_condition_is_planned_with_a_warning_naming_it(run):
    result = run(*BASE, "--condition", "hepatits C", "--format", "json")
    assert result.exit_code == 0
    assert "condition 'hepatits C' is not one titrate knows" in json.loads(result.stdout)["warnings"][0]["message"]


def test_an_antispasticity_drug_prompts_possible_spasticity_in_every_format(run):
    args = [*BASE, "--medication", "baclofen 10 mg TID", "--patient", "Ann"]
    says = ("'baclofen 10 mg TID' is baclofen (baclofen, screen.toml; antispasticity drugs, ATC M03BX01): taken for "
            "spasticity, so the patient may have spasticity")
    for fmt in ("table", "csv", "order"):
        assert says in run(*args, "--format", fmt).stdout
    assert says.replace("'", "\\'") in json.dumps(json.loads(run(*args, "--format", "json").stdout)).replace("'", "\\'")
    assert "Warning \\(antispasticity\\): \\'baclofen" not in run(*args, "--format", "md").stdout  # escaped as text
    assert "Warning \\(antispasticity\\)" in run(*args, "--format", "md").stdout
    assert f"Warning [antispasticity]: {says}" in run("explain", *args[1:]).stdout
    calendar = run(*args, "--format", "ics").stdout_bytes.decode().replace("\r\n ", "")
    assert "Tell your doctor if you have muscle stiffness or spasms." in calendar and "baclofen" not in calendar


def test_the_pharmacy_order_carries_the_warnings_and_the_calendar_only_plain_words(run):
    args = [*BASE, "--medication", "Avonex", "--condition", "hepatitis C", "--override", "liver", "--reason",
            "hepatologist agrees", "--condition", "breastfeeding"]
    order = run(*args, "--format", "order").stdout
    assert "Warning (interferon): 'Avonex' is interferon beta-1a (Avonex, screen.toml; interferon beta-1a, ATC " \
           "L03AB07)" in order
    assert "Override (liver): hepatologist agrees" in order and "Warning (pregnancy)" in order
    calendar = run(*args, "--format", "ics").stdout_bytes.decode().replace("\r\n ", "")
    assert "Tell your doctor if you are pregnant\\, trying to get pregnant\\, or breastfeeding." in calendar
    assert "hepatologist" not in calendar and "pharmacokinetic" not in calendar
