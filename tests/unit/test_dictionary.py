"""The general drug dictionary (drug-named-entity-recognition's data, in titrate's compact form): every
common medicine known, no opioid passed as known, a cache that is built once, keyed, atomic, and not
needed to be right."""

import os
import tomllib

import pytest

from titrate.core.packaged import cache_folder, installed_data
from titrate.core.screen import dictionary as module
from titrate.core.screen import screen_medication
from titrate.core.screen.dictionary import (
    FORMAT,
    FROM_KNOWN,
    FROM_PACKAGE,
    Dictionary,
    dictionary,
    look_up,
)
from titrate.core.screen.match import find_names
from titrate.core.screen.normalise import compact, words
from titrate.core.screen.vocabulary import vocabulary


def key():
    path, version = installed_data(module.PACKAGE, module.DATA_FILE)
    data, known = os.stat(path), os.stat(module.KNOWN_FILE)
    return path, f"{FORMAT}-{version}-{data.st_size}-{data.st_mtime_ns}-{known.st_size}-{known.st_mtime_ns}"


def test_the_cache_is_keyed_by_the_data_files_and_the_format():
    path, name = key()
    assert name.startswith(f"{FORMAT}-2.0.") and len(name.split("-")) == 6
    assert len(dictionary()) > 90_000  # dictionary() loaded the same key: its file is in the session's cache
    assert os.path.exists(os.path.join(cache_folder(), f"drug-dictionary-{name}.tsv"))


def test_the_cache_folder_follows_titrate_cache_dir_then_xdg_then_home(monkeypatch):
    monkeypatch.setenv("TITRATE_CACHE_DIR", "/somewhere")
    assert cache_folder() == "/somewhere"
    monkeypatch.delenv("TITRATE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    assert cache_folder() == "/xdg/titrate"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/home/x")
    assert cache_folder() == "/home/x/.cache/titrate"


def test_the_compact_form_is_cached_under_its_key_and_read_from_there(tmp_path, monkeypatch):
    monkeypatch.setenv("TITRATE_CACHE_DIR", str(tmp_path / "new"))
    path, name = key()
    built = module._load(path, name)
    cached = tmp_path / "new" / f"drug-dictionary-{name}.tsv"
    assert cached.read_bytes().startswith(f"titrate-drug-dictionary {name} ".encode())
    assert os.listdir(tmp_path / "new") == [cached.name]  # no temporary file left behind
    cached.write_bytes(cached.read_bytes().replace(b"\nmetformin\tmetformin\t", b"\nmetformin\tsaid the cache\t", 1))
    assert module._load(path, name)["metformin"].variant == "said the cache"  # read from the file, not rebuilt
    assert built["metformin"].variant == "metformin"


def test_a_stale_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("TITRATE_CACHE_DIR", str(tmp_path))
    path, name = key()
    (tmp_path / f"drug-dictionary-{name}.tsv").write_bytes(b"titrate-drug-dictionary 0-old 10 1\nx\tx\tx\t\tx\n")
    assert module._load(path, name)["metformin"].drug == "Metformin"
    assert (tmp_path / f"drug-dictionary-{name}.tsv").read_bytes().startswith(f"titrate-drug-dictionary {name} ".encode())


@pytest.mark.parametrize("content", [b"", b"garbage", b"titrate-drug-dictionary k 3\n", b"titrate-drug-dictionary 0-old 3 0\n"])
def test_a_header_that_is_not_this_keys_is_no_dictionary(content):
    assert Dictionary.read(content, "k") is None


def test_an_unwritable_cache_folder_still_gives_the_whole_dictionary_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TITRATE_CACHE_DIR", str(blocker / "titrate"))  # a folder inside a file: never made
    path, name = key()
    in_memory = module._load(path, name)
    assert len(in_memory) == len(dictionary()) > 90_000 and in_memory["sertraline"].drug == "Sertraline"


def test_every_spelling_is_found_by_bisection_and_nothing_else_is():
    names = dictionary()
    spellings = list(names)
    assert spellings == sorted(spellings, key=str.encode) and len(spellings) == len(names)
    for spelling in spellings:
        assert spelling in names and names[spelling].spelling == spelling
    for absent in ("", "0", "zzzzzzzz", "metformi", "metforminn", spellings[0][:-1], spellings[-1] + "a"):
        assert absent not in names
        with pytest.raises(KeyError):
            names[absent]


def test_every_drug_a_spelling_names_is_kept_with_its_drugbank_id_and_source():
    assert dictionary()[compact("alpha-MSH")].drug == "alpha-MSH; Intermedine"  # two variants spell alike
    assert dictionary()[compact("Vitamin B 12")].variant == "vitamin b 12"
    assert (dictionary()["metformin"].drugbank, dictionary()["metformin"].source) == ("DB00331", FROM_PACKAGE)
    assert dictionary()["estradiol"].drug == "Estradiol"  # a drug's own name, missing from its variants


def test_the_medicines_the_package_lacks_come_from_known_toml_and_none_is_an_opioid():
    assert dictionary()["movicol"].source == f"{FROM_KNOWN} (UK)"
    assert dictionary()["movicol"].drug.startswith("macrogol 3350")
    with open(module.KNOWN_FILE, "rb") as file:
        known = tomllib.load(file)["medicines"]
    for medicine in known:
        for text in (*medicine["names"], *medicine["drug"].split("; ")):
            assert not find_names(words(text), vocabulary().opioids, vocabulary().longest_drug), text
            assert screen_medication(text) == (), text


@pytest.mark.parametrize("text", ["metformin", "Metformin 500 mg BID", "sertraline", "vitamin D", "Zyrtec",
                                  "levothyroxine sodium 50 mcg", "amlodipine besylate 5 mg daily", "Ocrevus",
                                  "ublituximab", "Lantus", "atorvastatin calcium 20 mg at night"])
def test_a_known_medicine_has_nothing_to_say(text):
    assert screen_medication(text) == ()


@pytest.mark.parametrize("text", ["zorblaxin", "metformin zorblaxin", "zorblaxin 10 mg"])
def test_a_name_nothing_knows_is_still_not_screened(text):
    assert [f.rule for f in screen_medication(text)] == ["unscreened"]


@pytest.mark.parametrize("name, generic", [("Astramorph", "morphine"), ("Ardinex", "codeine"),
                                           ("Azdone", "hydrocodone"), ("buprenorfina", "buprenorphine")])
def test_a_dictionary_name_for_an_opioid_of_the_vocabulary_is_that_opioid(name, generic):
    (found,) = screen_medication(name)
    assert (found.rule, found.action) == ("opioid", "refuse")
    assert found.message.startswith(f"{name!r} is {generic}") and "), an opioid (" in found.message


def test_an_opioid_in_the_dictionary_names_text_wins_over_the_drug_it_maps_to():
    known = look_up(words("morphine receptor"))  # the dictionary maps it to "Receptors, Opioid, mu"
    assert [name.text for name in known.opioids] == ["morphine"]
    assert look_up(words("nalbuphine sebacate")).opioids[0].text == "nalbuphine"


def test_a_dictionary_name_holding_an_opioid_the_vocabulary_lacks_is_not_screened_never_known():
    # "3-MF" is 3-methylfentanyl, a fentanyl analogue the vocabulary lacks: the "fentanyl" in its name keeps it out
    assert "fentanyl" in dictionary()[compact("3-mf")].drug.lower()
    assert look_up(words("3-mf")) is None
    assert [f.rule for f in screen_medication("3-MF")] == ["unscreened"]


def test_a_data_file_that_names_code_is_refused(tmp_path):
    import bz2
    import pickle

    evil = tmp_path / "evil.pkl.bz2"
    evil.write_bytes(bz2.compress(pickle.dumps({"drug_variant_to_canonical": {"x": [os.getcwd]}})))
    with pytest.raises(pickle.UnpicklingError, match="only plain data is read"):
        module._build(str(evil), "k")


def test_the_form_read_from_bytes_and_from_a_file_alike(tmp_path):
    data = b"titrate-drug-dictionary k 3 2\nabc\tAbc\tA\tDB1\tp\nabd\tAbd\tB\t\tp\n"
    names = Dictionary.read(data, "k")
    assert list(names) == ["abc", "abd"] and names["abd"].drug == "B" and "abe" not in names
    assert Dictionary.read(data, "other") is None
