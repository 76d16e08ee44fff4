"""`titrate screen NAME... [--conditions TEXT] [--format text|json]`: a patient's list reviewed without a
plan, through the service's screen_list."""

import json

import pytest

from titrate.service.screen import SCHEMA, screen_list


def items(result):
    return json.loads(result.stdout)["items"]


def test_a_list_with_nothing_refused_exits_0_and_says_what_each_item_is(run):
    result = run("screen", "metformin 500 mg BID", "Copaxone", "zorblaxin", "--conditions", "hypertension, gout")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "medication 'metformin 500 mg BID': known: Metformin (nothing to say)"
    assert lines[1] == "  matched: metformin; ingredients: Metformin; source: drug-named-entity-recognition, DrugBank DB00331"
    assert lines[2] == "medication 'Copaxone': note"
    assert lines[3] == ("  matched: Copaxone; ingredients: glatiramer; class: glatiramer; ATC: L03AX13; rule: glatiramer; "
                        "source: screen.toml")
    assert lines[4] == ("  note (glatiramer): 'Copaxone' is glatiramer (Copaxone, screen.toml; glatiramer, ATC L03AX13): "
                        "no conflict with LDN is known")
    assert lines[5] == "medication 'zorblaxin': not screened"
    assert lines[6].startswith("  warn (unscreened): 'zorblaxin' is not a medication titrate knows")
    assert lines[7] == "condition 'hypertension' (in 'hypertension, gout'): known: hypertension (nothing to say)"
    assert lines[-1] == "5 item(s): 3 known, 1 note, 1 not screened"


@pytest.mark.parametrize("args", [["Percocet"], ["metformin", "oxycodne"], ["Biodalgic"],
                                  ["metformin", "--conditions", "K74.6"], ["naltrexone 50 mg"]])
def test_an_item_that_would_refuse_a_plan_exits_3(run, args):
    result = run("screen", *args)
    assert result.exit_code == 3 and ": refused" in result.stdout


def test_an_opioid_found_through_the_general_dictionary_shows_its_class_atc_rule_and_source(run):
    # Biodalgic, a tramadol brand the vocabulary lacks, is known to the dictionary only
    (item,) = items(run("screen", "Biodalgic", "--format", "json"))
    assert (item["status"], item["ingredients"], item["class"], item["atc"], item["rule"]) == (
        "refused", ["tramadol"], "opioid analgesics", "N02AX02", "opioid")
    assert item["source"] == "drug-named-entity-recognition, DrugBank DB00193"
    assert item["findings"][0]["message"].startswith("'Biodalgic' is tramadol (read as 'biodalgic' by the general "
                                                     "dictionary")


def test_json_lists_every_item_of_every_entry_in_order(run):
    result = run("screen", "Tylenol #3 / ibuprofen", "--conditions", "no liver disease; 34 weeks",
                 "--conditions", "spasticity", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 3 and data["schema"] == SCHEMA and data["refused"] is True
    assert [(i["kind"], i["item"], i["status"]) for i in data["items"]] == [
        ("medication", "Tylenol #3", "refused"), ("medication", "ibuprofen", "known"),
        ("condition", "no liver disease", "negated"), ("condition", "34 weeks", "warning"),
        ("condition", "spasticity", "limit")]
    assert data["items"][0]["matched"] == ["Tylenol #3"] and data["items"][0]["ingredients"] == ["codeine", "paracetamol"]
    assert data["items"][3]["source"] == "titrate conditions (conditions.toml)"


@pytest.mark.parametrize("args, says", [([], "give at least one medication NAME or --conditions TEXT"),
                                        (["metformin", "--conditions", "!!!"], "a condition must name something"),
                                        (["x", "--format", "xml"], "'xml' is not one of"),
                                        (["MS\udcff"], "argument 2 is not valid UTF-8 text")])
def test_bad_input_exits_2(run, args, says):
    result = run("screen", *args)
    assert result.exit_code == 2 and says in result.stderr and result.stdout == ""


def test_the_service_reads_as_the_command_shows():
    report = screen_list(["5/325, oxycodone"], ["MS"])
    assert [(r.item, r.status, r.ingredients) for r in report.readings] == [
        ("oxycodone", "refused", ("oxycodone",)), ("MS", "known", ())]
    assert report.refused
    assert screen_list(["325 mg"]).readings[0].status == "not screened"  # no drug at all: never passed
