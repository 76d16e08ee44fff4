"""The patient handout, read back with html5lib (an HTML5 parser that the renderer does not use): every
dose day and every warning is on it, no user text made markup, and it fetches nothing."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import UTC, date, datetime, time
from decimal import Decimal

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_golden import GENERATED, HOSTILE_LABEL, PLANS

from titrate.core.engine import build_plan
from titrate.core.formulations import Formulation
from titrate.core.model import Patient
from titrate.core.protocols import PROTOCOLS
from titrate.core.record import replace
from titrate.core.revise import adjust
from titrate.core.wallclock import load_zone
from titrate.formats import render


def parse(text: str):
    return html5lib.parse(text, namespaceHTMLElements=False)


SVG = "{http://www.w3.org/2000/svg}"


def text_of(element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def section(document, name: str):
    return document.find(f".//section[@id='{name}']")


def day_cell(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


@pytest.mark.parametrize("name", PLANS)
def test_the_checklist_has_every_day_with_its_dose_amount_and_time(name):
    plan = PLANS[name]
    rows = section(parse(render(plan, "html")), "checklist").findall(".//tbody/tr")
    assert len(rows) == len(plan.days)
    for row, day in zip(rows, plan.days):
        cells = [text_of(cell) for cell in row.findall("td")]
        assert cells[1:6] == [day_cell(day.date), str(day.day), f"{day.dose_mg.normalize():f} mg", day.amount,
                              day.time.strftime("%H:%M")]
        assert row.find("td").get("class") == "tick" and text_of(row.find("td")) == ""  # the box to tick


def test_the_checklist_marks_each_new_dose_and_each_reorder_in_the_plan():
    plan = PLANS["classic-london"]
    rows = section(parse(render(plan, "html")), "checklist").findall(".//tbody/tr")
    notes = {day.date: text_of(row.findall("td")[6]) for row, day in zip(rows, plan.days)}
    assert notes[date(2026, 12, 15)] == notes[date(2026, 12, 29)] == "New dose: up"
    assert notes[date(2026, 12, 24)] == "Order fill 2 today"
    assert notes[date(2027, 1, 23)] == "Order fill 3 today"
    assert notes[date(2027, 2, 22)] == "Order fill 4 today"
    assert notes[date(2027, 2, 27)] == "Review with your clinician"  # 60 days at the target of 4.5 mg
    assert sum(bool(note) for note in notes.values()) == 6


def test_the_steps_table_has_one_row_per_level_and_splits_at_a_clock_change():
    rows = section(parse(render(PLANS["nuuk-hostile"], "html")), "steps").findall(".//tbody/tr")
    assert [[text_of(cell) for cell in row.findall("td")] for row in rows] == [
        ["1", "Fri 20 Mar 2026", "Thu 26 Mar 2026", "7", "1.5 mg", "1 x 1.5 mg capsule", "23:30"],
        ["2", "Fri 27 Mar 2026", "Fri 27 Mar 2026", "1", "2 mg", "1 x 2 mg capsule", "23:30"],
        ["3", "Sat 28 Mar 2026", "Sat 28 Mar 2026", "1", "2 mg", "1 x 2 mg capsule", "22:30"],
        ["4", "Sun 29 Mar 2026", "Thu 2 Apr 2026", "5", "2 mg", "1 x 2 mg capsule", "23:30"],
        ["5", "Fri 3 Apr 2026", "Sat 4 Apr 2026", "2", "2.5 mg", "1 x 2.5 mg capsule", "23:30"],
    ]


def test_the_header_says_who_when_and_at_what_time_in_which_zone():
    header = text_of(parse(render(PLANS["classic-london"], "html")).find(".//header"))
    assert "For: Jane Doe" in header
    assert "Start Tue 1 December 2026" in header
    assert "22:00 (Europe/London time)" in header and "21:00 to midnight" in header
    assert "First dose, Tue 1 December 2026: 1.5 mg (1 x 1.5 mg capsule) at 22:00." in header


def test_the_dates_to_remember_give_every_reorder_and_the_review():
    plan = PLANS["berlin-morning-overrides"]
    items = [text_of(li) for li in section(parse(render(plan, "html")), "dates").findall(".//li")]
    assert [item.split(":")[0] for item in items] == [
        "By Wed 10 March 2027", "By Wed 24 March 2027", "By Wed 7 April 2027", "Around Thu 29 April 2027"]
    assert [item.split(":", 1)[1].split(" from")[0] for item in items[:3]] == [
        " order fill 1", " order fill 2", " order fill 3"]
    assert "review how LDN is working" in items[3]


def test_the_plans_warnings_are_there_in_plain_words_and_the_clinicians_text_is_not():
    document = parse(render(PLANS["berlin-morning-overrides"], "html"))
    warnings = [text_of(li) for li in section(document, "warnings").findall(".//li")]
    # the screen's plain words (data/screen.toml), once each: interferon and glatiramer share theirs
    assert warnings == ["Tell your doctor about every MS medicine you take.",
                        "Tell your doctor or pharmacist about every medicine you take."]
    page = text_of(document.find(".//body"))
    for clinical in ("pharmacokinetic", "hepatologist", "vivid dreams on evening doses", "Hepatitis", "zorblaxin"):
        assert clinical not in page


def test_a_warning_of_a_rule_without_plain_words_still_shows_and_the_engines_rules_have_theirs():
    from titrate.core.model import Finding

    plan = replace(PLANS["classic-london"], warnings=(Finding("new-rule", "a clinician's note"),))
    warnings = [text_of(li) for li in section(parse(render(plan, "html")), "warnings").findall(".//li")]
    assert warnings == ["Your clinician has a note about this plan. Ask them about it at your next visit."]
    nuuk = section(parse(render(PLANS["nuuk-hostile"], "html")), "warnings")
    warnings = [text_of(li) for li in nuuk.findall(".//li")]
    assert warnings == [
        "Order your first supply straight away: the pharmacy makes LDN to order, and it may not be ready by your "
        "start date. If it is not, start on the day it arrives and tell your clinician.",
        "Your dose stays at or below 3 mg because of muscle stiffness.",
        "This plan ends before you reach your target dose. Your clinician will tell you what comes next."]


def test_how_to_take_and_side_effects_say_what_the_patient_must_know():
    capsules = parse(render(PLANS["classic-london"], "html"))
    how = text_of(section(capsules, "how"))
    assert "in the evening at 22:00" in how and "with or without food" in how
    assert "Do not take any opioid" in how
    effects = text_of(section(capsules, "side-effects"))
    assert "taking the dose in the morning" in effects
    assert "Nausea usually passes in about two weeks" in effects
    assert "The dose may be lowered for a while" in effects


def test_a_liquid_is_kept_cold_and_measured_with_an_oral_syringe_and_a_moved_dose_is_not_called_evening():
    document = parse(render(PLANS["berlin-morning-overrides"], "html"))
    assert "Measure the millilitres (mL) with an oral syringe." in text_of(section(document, "steps"))
    how = text_of(section(document, "how"))
    assert "oral syringe" in how and "refrigerator" in how
    assert "at 08:00 (Europe/Berlin time), the time your clinician chose" in how
    assert "evening" not in how


def test_the_disclaimer_closes_the_page():
    footer = parse(render(PLANS["classic-london"], "html")).find(".//body")[-1]
    assert footer.tag == "footer" and "does not replace your clinician's advice" in text_of(footer)


def test_a_revision_says_which_it_is_what_it_replaces_and_what_changed():
    plan = PLANS["classic-london"]
    assert parse(render(plan, "html")).find(".//div[@class='revision']") is None
    second = adjust(plan, "step-back", date(2027, 1, 10), "flare of fatigue", generated_at=GENERATED, days=14)
    third = adjust(second, "retime", date(2027, 2, 1), "vivid dreams", generated_at=GENERATED, time=time(21, 0))
    document = parse(render(third, "html"))
    notice = document.find(".//div[@class='revision']")
    assert text_of(notice.find("p")).startswith("This is revision 3 of your plan. It replaces revision 2")
    assert [text_of(li) for li in notice.findall(".//li")] == ["From Mon 1 February 2027: take your dose at 21:00."]
    assert "flare" not in text_of(document.find(".//body")) and "vivid dreams" not in text_of(notice)
    changes = [text_of(li) for li in parse(render(second, "html")).findall(".//div[@class='revision']//li")]
    assert changes == ["From Sun 10 January 2027: one step lower for 14 days, then up again step by step."]
    header = text_of(document.find(".//header/dl"))
    assert ("from Tue 1 December 2026: once a day in the evening at 22:00 (Europe/London time); any time from 21:00 "
            "to midnight is fine; from Mon 1 February 2027: once a day in the evening at 21:00") in header


def test_the_chart_is_an_svg_with_text_labels_and_a_table_for_screen_readers():
    plan = PLANS["berlin-morning-overrides"]
    figure = parse(render(plan, "html")).find(".//section[@id='chart']/figure")
    svg = figure.find(f"{SVG}svg")
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Your dose over time"
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert {"1.5 mg", "3 mg", "4.5 mg", "target 4.5 mg", "order 1", "order 2", "order 3", "review"} <= set(labels)
    fallback = [[text_of(cell) for cell in row] for row in figure.findall("table/tbody/tr")]
    assert fallback == [
        ["Sat 20 Mar 2027", "Fri 2 Apr 2027", "1.5 mg"], ["Sat 3 Apr 2027", "Fri 16 Apr 2027", "3 mg"],
        ["Sat 17 Apr 2027", "Wed 28 Apr 2027", "4.5 mg"], ["Wed 10 Mar 2027", "", "order 1"],
        ["Wed 24 Mar 2027", "", "order 2"], ["Wed 7 Apr 2027", "", "order 3"], ["Thu 29 Apr 2027", "", "review"]]


def test_the_hostile_label_is_text_and_made_no_markup():
    hostile = parse(render(PLANS["nuuk-hostile"], "html"))
    nuuk = PLANS["nuuk-hostile"]
    plain = parse(render(replace(nuuk, inputs=replace(nuuk.inputs, patient=Patient(label="x", spasticity=True))),
                         "html"))
    assert Counter(e.tag for e in hostile.iter()) == Counter(e.tag for e in plain.iter())
    assert "".join(hostile.find(".//p[@class='who']/strong").itertext()) == HOSTILE_LABEL
    assert hostile.find(".//title").text == "Your LDN plan: " + " ".join(HOSTILE_LABEL.split())


@pytest.mark.parametrize("label", ["</title><script>alert(1)</script>", "<!--", "]]><svg onload=alert(1)>",
                                   "a\x00b\x0bc\x1bd", "&amp; &lt;"])
def test_labels_that_look_like_markup_stay_text(label):
    plan = build_plan(PROTOCOLS["classic"], Patient(label=label), date(2026, 12, 1), zone=load_zone("UTC"),
                      generated_at=GENERATED, days=3)
    document = parse(render(plan, "html"))
    assert document.find(".//script") is None
    assert not [e for e in document.iter() if any(name.startswith("on") for name in e.attrib)]
    shown = "".join(document.find(".//p[@class='who']/strong").itertext())
    assert shown == "".join(" " if ord(char) < 32 else char for char in label)


@pytest.mark.parametrize("name", PLANS)
def test_the_page_is_self_contained(name):
    text = render(PLANS[name], "html")
    document = parse(text)
    tags = {e.tag.removeprefix(SVG) for e in document.iter()}
    assert tags.isdisjoint({"script", "link", "img", "iframe", "object", "embed", "base", "image", "use",
                            "foreignObject"})
    assert not [e for e in document.iter() if {"src", "href", "srcset", "style"} & set(e.attrib)]
    assert "url(" not in text and "@import" not in text and "@font-face" not in text


def test_the_print_rules_number_pages_and_keep_rows_whole():
    style = parse(render(PLANS["classic-london"], "html")).find(".//head/style").text
    assert "@page" in style and 'counter(page) " of " counter(pages)' in style
    assert "tr, li, .keep { break-inside: avoid;" in style
    assert "thead { display: table-header-group; }" in style


def test_a_long_plan_has_a_row_for_every_day():
    plan = build_plan(PROTOCOLS["gentle"], Patient(label="Long"), date(2027, 1, 1), zone=load_zone("America/Chicago"),
                      generated_at=datetime(2026, 12, 1, tzinfo=UTC), days=400,
                      formulation=Formulation("drops", concentration_mg=Decimal("0.5")))
    document = parse(render(plan, "html"))
    assert len(section(document, "checklist").findall(".//tbody/tr")) == 400
    assert "under your tongue" in text_of(section(document, "how"))


def chart_of(plan):
    return parse(render(plan, "html")).find(f".//section[@id='chart']/figure/{SVG}svg")


def test_the_chart_draws_a_step_back_and_the_climb_after_it():
    plan = PLANS["classic-london"]
    days = [replace(day, dose_mg=plan.days[0].dose_mg, amount=plan.days[0].amount, dispense=plan.days[0].dispense)
            if 60 <= day.day <= 73 else day for day in plan.days]  # 14 days back at 1.5 mg, then 4.5 mg again
    svg = chart_of(replace(plan, days=tuple(days)))
    path = svg.find(f"{SVG}path").get("d")
    assert path.count("H") == 5 and path.count("V") == 4
    heights = [float(part.split("H")[0]) for part in path.split("V")[1:]]
    assert heights[2] > heights[1] and heights[3] < heights[2]  # down (SVG y grows downwards), then up again
    assert [t.text for t in svg.iter(f"{SVG}text") if t.text.endswith(" mg") and "target" not in t.text] == [
        "1.5 mg", "3 mg", "4.5 mg", "1.5 mg", "4.5 mg"]


def test_a_ten_year_chart_keeps_its_date_labels_few():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2027, 1, 1), zone=load_zone("UTC"), generated_at=GENERATED,
                      days=3660)
    svg = chart_of(plan)
    months = [t.text for t in svg.iter(f"{SVG}text") if t.text[:3] in ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]
    assert months == [f"Jan {year}" for year in range(2027, 2038)]  # one a year: 11 labels, not 121


def test_a_short_chart_has_weekly_date_labels():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2026, 12, 1), zone=load_zone("UTC"), generated_at=GENERATED,
                      days=20)
    labels = [t.text for t in chart_of(plan).iter(f"{SVG}text")]
    # from the first order date to the review, the day after the last dose
    dates = [label for label in labels if label[0].isdigit() and not label.endswith("mg") and " " in label]
    assert dates == ["24 Nov", "1 Dec", "8 Dec", "15 Dec", "22 Dec"]


def test_the_review_keeps_its_chart_label_when_a_reorder_date_is_close():
    svg = chart_of(PLANS["classic-london"])  # fill 4 is ordered on 22 Feb, the review is on 27 Feb
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "review" in labels and "order 4" not in labels and {"order 1", "order 2", "order 3"} <= set(labels)
    assert len([line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray") == "2 3"]) == 4


def test_a_washout_gives_the_opioid_free_date_and_a_stop_its_last_day():
    from titrate.core.model import Washout

    plan = build_plan(PROTOCOLS["classic"], Patient(label="W"), date(2026, 12, 10), zone=load_zone("Europe/London"),
                      generated_at=GENERATED, washout=Washout("tramadol", date(2026, 12, 1), 9))
    stopped = adjust(plan, "stop", date(2027, 1, 20), "moving abroad", generated_at=GENERATED)
    document = parse(render(stopped, "html"))
    dates = [text_of(li) for li in section(document, "dates").findall(".//li")]
    assert dates[0].startswith("By Thu 3 December 2026: order fill 1")  # in date order
    assert dates[1] == ("From Thu 10 December 2026: you have been free of opioids long enough: LDN may start from "
                        "this day.")
    assert dates[-1] == "From Wed 20 January 2027: stop taking LDN: no more doses."
    assert "Do not start LDN before the opioid-free date" in text_of(section(document, "warnings"))
    labels = {t.text for t in section(document, "chart").iter(f"{SVG}text")}
    assert {"opioid-free", "stop"} <= labels
    assert [text_of(li) for li in document.findall(".//div[@class='revision']//li")] == [
        "From Wed 20 January 2027: stop taking LDN (your last dose is the day before)."]
    rows = section(document, "checklist").findall(".//tbody/tr")
    assert text_of(rows[-1].findall("td")[1]) == "Tue 19 Jan 2027"


@given(st.text(max_size=60))
def test_any_label_reads_back_as_the_same_text_and_makes_no_element(label):
    plan = build_plan(PROTOCOLS["classic"], Patient(label=label), date(2026, 12, 1), zone=load_zone("UTC"),
                      generated_at=GENERATED, days=2)
    document = parse(render(plan, "html"))
    expected = "".join(" " if unicodedata.category(char) == "Cc" and char not in "\t\n" else char for char in label)
    if label.strip():
        assert "".join(document.find(".//p[@class='who']/strong").itertext()) == expected
    else:
        assert document.find(".//p[@class='who']") is None and document.find(".//title").text == "Your LDN plan"
    tags = Counter(e.tag for e in document.iter())
    assert tags == Counter(e.tag for e in parse(render(replace(plan, inputs=replace(
        plan.inputs, patient=Patient(label="x" if label.strip() else None))), "html")).iter())


def test_a_date_the_zone_skipped_is_no_day_of_its_level():
    plan = build_plan(PROTOCOLS["classic"], Patient(), date(2011, 12, 20), zone=load_zone("Pacific/Apia"),
                      generated_at=GENERATED, days=20)  # Samoa skipped 30 December 2011
    rows = [[text_of(cell) for cell in row.findall("td")]
            for row in section(parse(render(plan, "html")), "steps").findall(".//tbody/tr")]
    assert [(row[1], row[2], row[3]) for row in rows] == [("Tue 20 Dec 2011", "Tue 3 Jan 2012", "14"),
                                                          ("Wed 4 Jan 2012", "Mon 9 Jan 2012", "6")]
    assert sum(int(row[3]) for row in rows) == len(plan.days) == 20
