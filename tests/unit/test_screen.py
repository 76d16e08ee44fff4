"""The safety screen: its vocabulary (data/screen.toml and the generated data/opioids.tsv), how it reads
what people write, and what it finds for a patient."""

import tomllib
from decimal import Decimal
from importlib.resources import files

import pytest

from titrate.core.screen import (
    patient_words,
    screen_medication,
)
from titrate.core.screen.match import (
    MIN_NEAR_MISS_LENGTH,
    Hit,
    allowed_edits,
    edit_distance,
    find_names,
    near_misses,
    variants,
)
from titrate.core.screen.normalise import compact, fold, is_filler, skeleton, split_items, strengths_mg, words
from titrate.core.screen.vocabulary import ACTIONS, MARKETS, vocabulary

DATA = tomllib.loads(files("titrate.core.screen").joinpath("data/screen.toml").read_text(encoding="utf-8"))
CONDITIONS = tomllib.loads(files("titrate.core.screen").joinpath("data/conditions.toml").read_text(encoding="utf-8"))


def only(text):
    """The one thing the screen finds for `text`."""
    found = screen_medication(text)
    assert len(found) == 1, found
    return found[0]


def ingredients(found, label):
    """The ingredients a finding names for `label` ("'Percocet' is oxycodone + paracetamol (...")."""
    prefix = f"{label!r} is "
    assert found.message.startswith(prefix), found.message
    return found.message[len(prefix):].split(" (", 1)[0].split(" + ")


# --- Opioids, as the issue found them passing -------------------------------------------------------

@pytest.mark.parametrize("name, generic", [
    ("Ultram", "tramadol"), ("tramadol", "tramadol"), ("Tylenol with codeine", "codeine"),
    ("TYLENOL #3", "codeine"), ("Tylenol No. 3", "codeine"), ("tylenol#3", "codeine"), ("Tylenol no 3", "codeine"),
    ("Tylenol 3", "codeine"), ("Robitussin AC", "codeine"), ("Cheratussin AC", "codeine"),
    ("codeine cough syrup", "codeine"), ("Oxy Contin", "oxycodone"), ("oxy-contin", "oxycodone"),
    ("OxyContin", "oxycodone"), ("oxycodone HCl 5 mg BID", "oxycodone"), ("  percocet  ", "oxycodone"),
    ("Percocet 5/325", "oxycodone"), ("Lomotil", "diphenoxylate"), ("Motofen", "difenoxin"),
    ("diamorphine", "diamorphine"), ("Zydol", "tramadol"), ("co-dydramol", "dihydrocodeine"),
    ("Panadeine Forte", "codeine"), ("Endone", "oxycodone"), ("Targin", "oxycodone"),
    ("oxy\u00adcodone", "oxycodone"), ("oxy\u200bcodone", "oxycodone"), ("ＯＸＹＣＯＮＴＩＮ", "oxycodone"),
    ("Suboxone", "buprenorphine"), ("Sublocade", "buprenorphine"), ("Probuphine", "buprenorphine"),
    ("Buvidal", "buprenorphine"), ("methadone", "methadone"), ("Physeptone", "methadone"),
    ("fentanyl patch 25 mcg/h", "fentanyl"), ("Durogesic", "fentanyl"), ("Nucynta", "tapentadol"),
    ("Palexia", "tapentadol"), ("Dilaudid", "hydromorphone"), ("Opana", "oxymorphone"), ("Demerol", "pethidine"),
    ("Vicodin", "hydrocodone"), ("Norco", "hydrocodone"), ("Tussionex", "hydrocodone"), ("morphine", "morphine"),
    ("MST Continus", "morphine"), ("Kapanol", "morphine"), ("pholcodine linctus", "pholcodine"),
    ("Tramacet", "tramadol"), ("Tramal", "tramadol"),
])
def test_every_opioid_is_refused_naming_the_drug(name, generic):
    found = only(name)
    assert (found.rule, found.action) == ("opioid", "refuse")
    assert generic in ingredients(found, name) and "), an opioid (" in found.message


# The products issue 20 found passing as "not screened", each with the ingredients its source gives.
@pytest.mark.parametrize("name, expected", [
    ("Roxybond", ["oxycodone"]), ("Apadaz", ["benzhydrocodone", "paracetamol"]),
    ("Prolate", ["oxycodone", "paracetamol"]), ("Codalgin Forte", ["codeine", "paracetamol"]),
    ("Tramahexal SR", ["tramadol"]), ("Tramundin", ["tramadol"]), ("Lamaline", ["opium", "paracetamol", "caffeine"]),
    ("Izalgi", ["opium", "paracetamol", "caffeine"]), ("Orobupré", ["buprenorphine"]),
    ("Tachidol", ["codeine", "paracetamol"]), ("Depalgos", ["oxycodone", "paracetamol"]),
    ("Citodon", ["codeine", "paracetamol"]), ("Panocod", ["codeine", "paracetamol"]),
    ("Paralgin forte", ["codeine", "paracetamol"]), ("Pinex Forte", ["codeine", "paracetamol"]),
    ("Dolcontin", ["morphine"]), ("Contalgin", ["morphine"]), ("Kodimagnyl", ["codeine", "acetylsalicylic acid"]),
    ("Percocet™ 5/325", ["oxycodone", "paracetamol"]), ("buprenorfine", ["buprenorphine"]),
    ("hydromorfone", ["hydromorphone"]), ("Paramol", ["dihydrocodeine", "paracetamol"]),
])
def test_the_products_the_issue_found_passing_are_refused_with_every_ingredient(name, expected):
    found = only(name)
    assert (found.rule, found.action) == ("opioid", "refuse")
    assert ingredients(found, name) == expected


def test_a_combination_finding_says_what_matched_its_ingredients_class_atc_code_and_source():
    assert only("Percocet™ 5/325").message == (
        "'Percocet™ 5/325' is oxycodone + paracetamol (Percocet, UNII C1ENJ2TE6C), an opioid (opioid analgesics, "
        "ATC N02AJ17): naltrexone blocks opioid receptors and can precipitate withdrawal; the patient should be "
        "opioid-free for 7-10 days before the first dose")
    assert only("Paramol").message.startswith(
        "'Paramol' is dihydrocodeine + paracetamol (Paramol, https://www.medicines.org.uk/emc/product/1309 ")


@pytest.mark.parametrize("text, generic", [
    ("oxicodona", "oxycodone"), ("tramadolo", "tramadol"), ("codeína", "codeine"), ("morfin", "morphine"),
    ("oxycodonum 5 mg", "oxycodone"), ("Buprenorfin", "buprenorphine"), ("fentanil", "fentanyl"),
    ("oksykodon", "oxycodone"), ("tapentadolum", "tapentadol"), ("Hydromorfon", "hydromorphone"),
])
def test_other_languages_spellings_of_an_ingredient_are_that_ingredient(text, generic):
    found = only(text)
    assert found.rule == "opioid" and ingredients(found, text) == [generic]


def test_a_spelling_variant_is_read_as_the_ingredient_and_says_so():
    # not in the data: folded by skeleton (y/i, ph/f, c/k, the Latin ending) onto the INN
    assert "oxicodonum" not in vocabulary().drugs
    assert only("oxicodonum").message.startswith(
        "'oxicodonum' is oxycodone (read as 'oxycodone', UNII CD35PMG570), an opioid (opioid analgesics, ATC ")


@pytest.mark.parametrize("text", [
    "glatiramer acetate 40 mg/mL three times weekly", "Copaxone 20 mg SC daily", "glatiramer 40 mg TIW",
])
def test_frequencies_and_routes_do_not_make_a_known_drug_unscreened(text):
    assert [f.rule for f in screen_medication(text)] == ["glatiramer"]


@pytest.mark.parametrize("text", [
    "tramadol 50 mg q6h prn", "tramadol 1-2 tabs BID", "tramadol 100 mg at night", "fentanyl patch 72h",
    "Tramal® 50 mg", "OxyContin® 10 mg q12h", "Tylenol #3 1-2 tabs q4-6h PRN", "morphine 10 mg/5 mL PO q4h",
])
def test_opioids_written_as_prescriptions_are_refused_once(text):
    assert [(f.rule, f.action) for f in screen_medication(text)] == [("opioid", "refuse")]


def test_w_slash_and_with_between_names_screen_both_parts():
    assert [f.rule for f in screen_medication("oxycodone w/ zorblaxin")] == ["opioid", "unscreened"]
    assert [f.rule for f in screen_medication("Zorblaxin with tramadol")] == ["opioid", "unscreened"]
    assert screen_medication("Zorblaxin with tramadol")[1].message.startswith("'zorblaxin' (in 'Zorblaxin with tramadol') ")
    assert [f.rule for f in screen_medication("Zyrtec with tramadol")] == ["opioid"]  # the dictionary knows Zyrtec
    # a known name spanning "with" is one name, not two parts
    assert only("Tylenol with codeine").message.startswith("'Tylenol with codeine' is codeine + paracetamol (Tylenol "
                                                            "with codeine, ")


def test_the_longest_known_name_wins():
    assert ingredients(only("Tylenol #3"), "Tylenol #3") == ["codeine", "paracetamol"]
    assert screen_medication("Tylenol") == ()


@pytest.mark.parametrize("name, letters, suspected", [
    ("tramadl", "one letter", "tramadol"), ("oxycdone 5 mg", "one letter", "oxycodone"),
    ("hydrocodne", "one letter", "hydrocodone"), ("Oxy Codne", "one letter", "oxycodone"),
    ("hydromorphne", "one letter", "hydromorphone"), ("hyrdomorphne", "2 letters", "hydromorphone"),
    ("buprenorpine", "one letter", "buprenorphine"), ("bupernorphin", "2 letters", "buprenorphine"),
])
def test_a_name_a_slip_or_two_from_an_opioid_ingredient_is_refused_asking_to_confirm_the_spelling(name, letters,
                                                                                                  suspected):
    found = only(name)
    assert (found.rule, found.action) == ("opioid", "refuse")
    assert found.message.startswith(f"{name!r} is not a name titrate knows, but it is {letters} from {suspected!r} "
                                    f"({suspected}, UNII ")
    assert found.message.endswith("confirm the spelling; if it is not an opioid, write its generic name")


@pytest.mark.parametrize("name", ["oxycontn", "Oxy Contn", "Percocett", "Vicodine", "Tramadolor2"])
def test_a_misspelt_brand_is_never_guessed_at(name):
    # fuzzy matching is against ingredient names only: a brand is too arbitrary a word
    assert [f.rule for f in screen_medication(name)] == ["unscreened"]


@pytest.mark.parametrize("word", ["caffeine", "moraine", "oxymoron", "heroic", "herein", "codex", "morphology",
                                  "methane", "tramway", "fantasy", "hydrogen", "cocaine", "Morphy"])
def test_english_words_and_other_drugs_do_not_become_opioids(word):
    assert not any(f.rule == "opioid" for f in screen_medication(word))


@pytest.mark.parametrize("name", ["Tylenol", "Robitussin", "Panadol", "Tylenol 8 HR", "Tylenol PM"])
def test_common_medicines_close_to_an_opioid_name_are_not_taken_for_one(name):
    assert not any(found.action == "refuse" for found in screen_medication(name))


def test_an_opioid_refusal_names_the_drug_its_class_its_atc_code_its_source_and_why():
    assert only("Zydol 50 mg").message == (
        "'Zydol 50 mg' is tramadol (Zydol, UNII 9N7R477WCK), an opioid (opioid analgesics, ATC N02AX02): naltrexone "
        "blocks opioid receptors and can precipitate withdrawal; the patient should be opioid-free for 7-10 days "
        "before the first dose")
    assert only("Lomotil").message.startswith("'Lomotil' is diphenoxylate + atropine (Lomotil, UNII ")
    assert "), an opioid (opioid antidiarrhoeals, ATC A07DA01): " in only("Lomotil").message
    assert only("Revia").message.startswith("'Revia' is naltrexone (Revia, UNII Z6375YW9SF; opioid antagonists at "
                                            "full dose, ATC N07BB04): the patient already takes")
    assert only("naltrexone 50 mg").message.startswith("'naltrexone 50 mg' is naltrexone (naltrexone, UNII "
                                                       "5S6W795CQM; opioid antagonists at full dose, ATC N07BB04): ")


def test_a_stopped_opioid_is_still_an_opioid():
    found = only("tramadol (stopped 2026-10-01)")
    assert found.rule == "opioid"
    assert found.message.endswith("before the first dose; written as stopped, it still counts: LDN starts only after "
                                  "the opioid washout")
    assert only("tramadol 50 mg").message.endswith("opioid-free for 7-10 days before the first dose")


def test_a_whole_list_in_one_entry_is_screened_item_by_item():
    found = screen_medication("zorblax D, tramadol 50 mg; ibuprofen and Copaxone\nAvonex + Zorblaxin / Revia")
    assert [(f.rule, f.action) for f in found] == [
        ("unscreened", "warn"), ("opioid", "refuse"), ("glatiramer", "note"),  # ibuprofen: known, nothing to say
        ("interferon", "warn"), ("unscreened", "warn"), ("antagonist", "refuse-unless-overridden")]
    assert found[1].message.startswith("'tramadol 50 mg' (in 'zorblax D, tramadol 50 mg; ")


def test_an_item_that_is_only_a_strength_does_not_stop_the_screen():
    assert [f.rule for f in screen_medication("5 mg, tramadol")] == ["opioid"]
    assert only("5 mg, tramadol").message.startswith("'tramadol' (in '5 mg, tramadol') is tramadol (tramadol, UNII ")


def test_strengths_left_over_from_a_split_are_not_unknown_medications():
    assert [f.rule for f in screen_medication("oxycodone/acetaminophen 5/325")] == ["opioid"]
    assert [f.rule for f in screen_medication("oxycodone/Zorblaxin 5/325")] == ["opioid", "unscreened"]
    assert only("325 mg").rule == "unscreened"  # a value with no drug in it at all is never passed


# --- Antagonists, drugs that imply opioid use, and drugs that are not refused ------------------------

@pytest.mark.parametrize("name", ["Vivitrol", "Revia", "Contrave", "Mysimba", "Nalorex", "Selincro",
                                  "nalmefene", "naltrexone 50 mg", "Naltrexone 25mg daily"])
def test_full_dose_antagonists_are_refused_unless_overridden(name):
    found = only(name)
    assert (found.rule, found.action) == ("antagonist", "refuse-unless-overridden")
    assert "overrides with the reason" in found.message


@pytest.mark.parametrize("name", ["naltrexone", "LDN", "naltrexone 4.5 mg", "low dose naltrexone 24.99 mg"])
def test_naltrexone_below_full_dose_is_a_warning_not_a_refusal(name):
    assert (only(name).rule, only(name).action) == ("antagonist", "warn")


@pytest.mark.parametrize("name, generic", [("naloxegol", "naloxegol"), ("Movantik", "naloxegol"),
                                           ("Moventig", "naloxegol"), ("Relistor", "methylnaltrexone"),
                                           ("methylnaltrexone", "methylnaltrexone"), ("Symproic", "naldemedine"),
                                           ("Rizmoic", "naldemedine"), ("Narcan", "naloxone")])
def test_drugs_implying_opioid_use_warn_asking_about_it(name, generic):
    found = only(name)
    assert (found.rule, found.action) == ("opioid-implied", "warn")
    assert ingredients(found, name) == [generic] and "ask about opioid use" in found.message


@pytest.mark.parametrize("name", ["loperamide", "Imodium", "Imodium A-D 2 mg"])
def test_loperamide_is_a_peripheral_opioid_and_not_refused(name):
    found = only(name)
    assert (found.rule, found.action) == ("peripheral-opioid", "note") and "not refused" in found.message


@pytest.mark.parametrize("name, generic", [("baclofen", "baclofen"), ("Lioresal", "baclofen"),
                                           ("Zanaflex", "tizanidine"), ("dantrolene", "dantrolene"),
                                           ("Dantrium", "dantrolene")])
def test_antispasticity_drugs_prompt_that_the_patient_may_have_spasticity(name, generic):
    found = only(name)
    assert (found.rule, found.action) == ("antispasticity", "warn")
    assert ingredients(found, name) == [generic] and "may have spasticity" in found.message


@pytest.mark.parametrize("name, generic, action", [
    ("Avonex", "interferon beta-1a", "warn"), ("rebif", "interferon beta-1a", "warn"),
    ("Plegridy", "interferon beta-1a", "warn"), ("interferon beta-1a", "interferon beta-1a", "warn"),
    ("Betaseron", "interferon beta-1b", "warn"), ("Betaferon", "interferon beta-1b", "warn"),
    ("EXTAVIA", "interferon beta-1b", "warn"), ("interferon beta-1b", "interferon beta-1b", "warn"),
    ("interferon beta 1b 250 mcg", "interferon beta-1b", "warn"),
    ("interferon beta", "interferon beta (1a or 1b not stated)", "warn"),
    ("Copaxone", "glatiramer", "note"), ("Glatopa", "glatiramer", "note"), ("glatiramer acetate", "glatiramer", "note"),
])
def test_ms_drugs_are_named_correctly_and_warn_or_note(name, generic, action):
    found = only(name)
    assert found.message.startswith(f"{name!r} is {generic} (") and found.action == action
    assert ", screen.toml; interferon beta" in found.message or ", screen.toml; glatiramer, ATC L03AX13" in found.message


@pytest.mark.parametrize("name", ["zorblaxin", "Zorblax D", "!!!"])
def test_an_unknown_medication_is_a_warning_that_it_was_not_screened(name):
    found = only(name)
    assert (found.rule, found.action) == ("unscreened", "warn")
    assert found.message == (f"{name!r} is not a medication titrate knows, so it was not screened; check it for "
                             "interactions")


# --- Reading what people write -----------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [("Oxy Contin", "OxyContin"), ("oxy-contin", "OXYCONTIN"),
                                  ("oxy\u00adcontin", "oxycontin"), ("Tylenol #3", "tylenol no. 3"),
                                  ("Tylenol No3", "Tylenol 3"), ("oxycodone 5 mg", "oxycodone 2.5mg"),
                                  ("fentanyl 12 mcg/h", "fentanyl"), ("co-codamol 30/500", "cocodamol"),
                                  ("ｏｘｙ", "oxy"), ("Ǆ", "dž")])
def test_spellings_of_one_name_compact_alike(a, b):
    assert compact(a) == compact(b)


def test_split_items_drops_format_characters_first():
    assert split_items("oxy\u00adcodone\u200b, b\u2060") == ["oxycodone", "b"]


def test_fold_removes_format_characters_and_folds_case():
    assert fold("O\u200bx\u00ady\u2066C\u202eONTIN\ufeff") == "oxycontin"


def test_split_items_keeps_numbers_and_abbreviations_whole():
    assert split_items("a, b; c and d + e\nf / g") == ["a", "b", "c", "d", "e", "f", "g"]
    assert split_items("oxycodone/acetaminophen 5/325") == ["oxycodone", "acetaminophen 5/325"]
    assert split_items("Robitussin A/C") == ["Robitussin A/C"]
    assert split_items("Sandoz, Candy AND Brandy") == ["Sandoz", "Candy", "Brandy"]
    assert split_items("ME/CFS, MS", conditions=True) == ["ME/CFS", "MS"]


def test_words_drop_strengths_but_keep_product_numbers():
    assert words("Tylenol #3 300 mg/30 mg") == ("tylenol", "3")
    assert words("oxycodone HCl 5 mg BID") == ("oxycodone", "hcl", "bid")
    assert words("morphine 10mg/5ml") == ("morphine",)


def test_strengths_are_read_in_milligrams():
    assert strengths_mg("naltrexone 50 mg, 4,5 mg and 1.5mg") == [Decimal(50), Decimal("4.5"), Decimal("1.5")]
    assert strengths_mg("50 mcg") == []


def test_filler_words_are_numbers_and_dose_words():
    assert is_filler("325") and is_filler("bid") and not is_filler("oxycodone")


@pytest.mark.parametrize("a, b, distance", [("oxycontn", "oxycontin", 1), ("tramadoll", "tramadol", 1),
                                            ("oxycdoone", "oxycodone", 1), ("abc", "abc", 0), ("", "abc", 3),
                                            ("ab", "ba", 1), ("abc", "acb", 1), ("abcd", "badc", 2),
                                            ("kitten", "sitting", 3), ("ca", "abc", 3)])
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_near_misses_are_one_edit_from_a_name_of_six_letters_or_more_outside_the_names_found():
    names = {"ultram": "U", "oxycodone": "O", "norco": "N", "tylenol3": "T"}
    assert MIN_NEAR_MISS_LENGTH == 6
    assert [(h.start, h.end, h.value) for h in near_misses(("ultran",), names, [])] == [(0, 1, "U")]
    assert near_misses(("ultra",), names, []) == []          # five letters: too short to call a near miss
    assert near_misses(("norcoo",), names, []) == []         # a five-letter name is never matched loosely
    assert near_misses(("oxycodone",), names, []) == []      # an exact name is not a near miss
    assert near_misses(("tylenol8",), names, []) == []       # the digits must agree
    assert near_misses(("oxycodoneee",), names, []) == []    # two edits away
    taken = [Hit(0, 1, "baclofen", "B")]
    found = near_misses(("baclofen", "oxycodne"), names, taken)
    assert [(h.start, h.end, h.spelling) for h in found] == [(1, 2, "oxycodone")]
    assert near_misses(("oxycodne", "baclofen"), names, [Hit(1, 2, "baclofen", "B")])[0].end == 1
    assert near_misses(("oxy", "codne"), names, [])[0].spelling == "oxycodone"


def test_find_names_prefers_the_longest_and_keeps_word_order():
    names = {"interferonbeta": "generic", "interferonbeta1b": "1b", "codeine": "c", "tylenol": "t"}
    assert [h.value for h in find_names(words("interferon beta-1b"), names, 20)] == ["1b"]
    assert [h.value for h in find_names(words("tylenol codeine"), names, 20)] == ["t", "c"]
    assert find_names(words("codeine"), names, 6) == []
    assert [h.value for h in find_names(words("codeine"), names, 7)] == ["c"]  # exactly the longest name


# --- The data file a pharmacist reviews --------------------------------------------------------------

def test_every_class_has_an_action_a_rule_a_reason_and_an_atc_code():
    for key, drug_class in DATA["classes"].items():
        assert drug_class["action"] in ACTIONS, key
        assert drug_class["why"] and drug_class["title"], key
        assert drug_class["rule"] or drug_class["action"] == "none", key
        # the opioid classes' drugs are in the generated data/opioids.tsv
        assert drug_class.get("drugs") or any(name.drug_class.title == drug_class["title"]
                                              for name in vocabulary().drugs.values()), key
        assert drug_class["atc"] or key == "no-known-conflict", key


def test_the_classes_the_issue_names_are_there_with_their_atc_codes():
    atc = {key: value["atc"] for key, value in DATA["classes"].items()}
    assert atc["opioid-analgesics"] == "N02A" and atc["opioid-cough-suppressants"] == "R05DA"
    assert atc["opioid-antidiarrhoeals"] == "A07DA" and atc["opioid-dependence"] == "N07BC"
    assert "loperamide" in [d["generic"] for d in DATA["classes"]["peripheral-opioids"]["drugs"]]


def test_the_opioid_classes_list_no_drugs_of_their_own():
    # one place for opioid names: a second list would drift from the generated one
    for drug_class in DATA["classes"].values():
        assert drug_class["rule"] != "opioid" or "drugs" not in drug_class, drug_class["title"]


def test_a_name_listed_twice_always_means_the_same_drug_and_action():
    seen = {}
    for drug_class in DATA["classes"].values():
        for drug in drug_class.get("drugs", ()):
            for name in {drug["generic"], *drug.get("also", ()), *(b for m in MARKETS for b in drug.get(m, ()))}:
                meaning = (drug["generic"], drug_class["action"], drug_class["rule"])
                assert seen.setdefault(compact(name), meaning) == meaning, name


def test_no_name_is_lost_to_normalising_or_splitting():
    for spelling, name in vocabulary().drugs.items():
        assert spelling and len(split_items(name.text)) == 1, name.text


def test_patient_words_are_plain_and_exist_for_every_screen_warning_rule():
    rules = {c["rule"] for c in DATA["classes"].values() if c["action"] in ("warn", "note")}
    rules |= {g["rule"] for g in CONDITIONS["groups"].values() if g["action"] == "warn"}
    for rule in rules | {"unscreened"}:
        words_for_patient = patient_words(rule)
        assert words_for_patient and "ATC" not in words_for_patient and "--" not in words_for_patient
    assert patient_words("pregnancy").startswith("Tell your doctor if you are pregnant")
    assert patient_words("gradual") is None


def test_the_screens_patient_words_and_the_engines_name_different_rules():
    """A patient's copy looks the engine's rules up first, without reading the vocabulary: that gives the
    same words only while no rule has words in both places."""
    from titrate.formats.common import ENGINE_WORDS

    assert set(ENGINE_WORDS) and set(DATA["patient_words"])
    assert not set(ENGINE_WORDS) & set(DATA["patient_words"])


@pytest.mark.parametrize("a, b", [("oxicodona", "oxycodone"), ("oksykodon", "oxycodone"), ("morfin", "morphine"),
                                  ("kodeina", "codeine"), ("tramadoll", "tramadol"), ("fentanil", "fentanyl"),
                                  ("methadon", "methadone"), ("petidine", "pethidine")])
def test_skeleton_folds_letters_doubled_letters_and_endings_that_vary_by_language(a, b):
    assert skeleton(compact(a)) == skeleton(compact(b))


def test_skeleton_keeps_at_least_four_letters_and_tells_different_names_apart():
    assert skeleton("codea") == "kode" and skeleton("kodea") == "kode"
    assert skeleton("opio") == "opio"  # "op" would be too short to mean anything
    assert skeleton("caffeine") != skeleton("codeine") and skeleton("moraine") != skeleton("morphine")


def test_variants_are_found_outside_known_names_longest_first():
    skeletons = {skeleton("oxycodone"): "O", skeleton("tramadol"): "T"}
    found = variants(("oxi", "codona", "tramadoll"), skeletons, [])
    assert [(h.start, h.end, h.value) for h in found] == [(0, 2, "O"), (2, 3, "T")]
    assert variants(("tramadoll",), skeletons, [Hit(0, 1, "x", "X")]) == []  # already a known name
    assert variants(("tramdl",), skeletons, []) == []  # a slip is not a variant
    assert allowed_edits("tramadol") == 1 and allowed_edits("hydromorphone") == 2
