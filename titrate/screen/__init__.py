"""The safety screen: a patient's medications and conditions against the vocabulary in data/screen.toml.

The vocabulary is package data that a pharmacist reviews, organised by pharmacology; this package reads
it (`vocabulary`), reduces text to what is matched (`normalise`), finds names and near misses in it
(`match`), and says what that means for a patient (`screening`).
"""

from .screening import (
    Found,
    check_conditions,
    findings,
    implies_spasticity,
    patient_words,
    refusals,
    screen_condition,
    screen_medication,
)
from .vocabulary import vocabulary

__all__ = ["Found", "check_conditions", "findings", "implies_spasticity", "patient_words", "refusals",
           "screen_condition", "screen_medication", "vocabulary"]
