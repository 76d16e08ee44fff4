"""After an adjustment, every format describes the dose time and the course in force on each day, not the
first revision's (issue 19, point 7): a retime to 08:00 shows in the header, explain and the handout."""

from pathlib import Path

from titrate.formats import render
from titrate.formats.plan_json import loads

EXAMPLES = Path(__file__).parents[2] / "examples"
R1 = loads((EXAMPLES / "course-london.r1.json").read_text(encoding="utf-8"))
R3 = loads((EXAMPLES / "course-london.r3.json").read_text(encoding="utf-8"))  # step back, then --retime 08:00


def test_the_plan_holds_the_dose_time_in_force_from_each_date():
    assert [(span.first.isoformat(), span.time.isoformat("minutes"), str(span.window)) for span in R3.dose_times] \
        == [("2026-12-01", "22:00", "21:00-24:00"), ("2027-02-15", "08:00", "08:00-11:00")]
    assert len(R1.dose_times) == 1


def test_the_table_header_gives_each_dose_time_in_force():
    header = str(render(R3, "table")).split("\n\n")[1]
    assert "Dose time: 22:00 Europe/London, window 21:00-24:00; from 2027-02-15: 08:00, window 08:00-11:00" in header
    assert "Dose time: 22:00 Europe/London, window 21:00-24:00\n" in str(render(R1, "table"))


def test_explain_gives_each_dose_time_with_its_own_reason():
    time_section = str(render(R3, "explain")).split("\nTime:\n")[1].split("\n\n")[0]
    lines = time_section.splitlines()
    assert lines[0] == ("  from 2026-12-01: 22:00 Europe/London, local wall-clock time, inside the window "
                        "21:00-24:00 [window]")
    assert lines[1].startswith("  from 2027-02-15: 08:00 Europe/London, local wall-clock time, moved out of "
                               "21:00-24:00 by the clinician's override [window]")


def test_a_revisions_handout_leads_with_the_dose_from_its_change_not_the_first_dose():
    html = str(render(R3, "html"))
    assert '<p class="tonight">From Mon 15 February 2027: <strong>4.5 mg</strong> (1 x 4.5 mg capsule) at 08:00.</p>' \
        in html
    assert "First dose, Tue 1 December 2026" not in html
    assert '<p class="tonight">First dose, Tue 1 December 2026: <strong>1.5 mg</strong>' in str(render(R1, "html"))
