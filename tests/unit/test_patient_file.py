from datetime import time

import pytest

from titrate.core.model import Override
from titrate.errors import InputError
from titrate.formats.patient_toml import parse_patient_file

GOOD = '''label = "Jane Doe"
conditions = ["multiple sclerosis", "spasticity"]
medications = ["Copaxone", "vitamin D"]
time_zone = "Europe/London"
dose_time = "22:15"

[[overrides]]
rule = "spasticity"
reason = "neurologist's trial of 4.5 mg"
'''


def test_reads_every_fact():
    facts = parse_patient_file(GOOD)
    assert facts.label == "Jane Doe"
    assert facts.conditions == ("multiple sclerosis", "spasticity")
    assert facts.medications == ("Copaxone", "vitamin D")
    assert (facts.time_zone, facts.dose_time) == ("Europe/London", time(22, 15))
    assert facts.overrides == (Override("spasticity", "neurologist's trial of 4.5 mg"),)


@pytest.mark.parametrize("text, says", [
    ('label = Jane', "at line 1"),
    ('label = "x"\nmedication = ["y"]', "line 2: unknown key 'medication'"),
    ('label = "x"\n\ntime_zone = "Mars/Base"', "line 3: unknown time zone"),
    ('dose_time = "9pm"', "line 1: dose_time must be HH:MM"),
    ('conditions = ["?"]', r"line 1: a condition must name something \(got '\?'\)"),
    ('medications = "aspirin"', "line 1: medications must be a list of text"),
    ('label = "x"\n[[overrides]]\nrule = "liver"\nreason = " "', "line 2: an override of rule 'liver' needs a reason"),
    ('[[overrides]]\nrule = "liver"', r"line 1: each \[\[overrides\]\] has exactly rule"),
])
def test_a_malformed_file_names_the_line(text, says):
    with pytest.raises(InputError, match=says):
        parse_patient_file(text)
