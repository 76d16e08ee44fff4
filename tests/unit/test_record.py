"""Record behaves like a frozen dataclass: the plan's parts rely on every one of these properties."""

from __future__ import annotations

import copy
import pickle

import pytest

from titrate.core.record import FrozenError, Record, fields, replace


class Dose(Record):
    mg: int
    label: str = "LDN"
    notes: tuple[str, ...] = ()


class Checked(Record):
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")
        object.__setattr__(self, "low", max(self.low, 0))


class Labelled(Dose):
    colour: str = "white"


class Strength(Record):
    """Dose's very fields, under another name."""

    mg: int
    label: str = "LDN"
    notes: tuple[str, ...] = ()


def test_fields_come_from_the_annotations_in_order_with_defaults():
    assert fields(Dose) == ("mg", "label", "notes")
    assert fields(Dose(1)) == ("mg", "label", "notes")
    dose = Dose(3)
    assert (dose.mg, dose.label, dose.notes) == (3, "LDN", ())
    assert Dose(3, "x", notes=("a",)).notes == ("a",)
    assert Dose(mg=2, label="y") == Dose(2, "y")


def test_a_subclass_adds_its_fields_after_its_parents():
    assert fields(Labelled) == ("mg", "label", "notes", "colour")
    assert Labelled(1, colour="blue").colour == "blue"
    assert Labelled(1).colour == "white"


@pytest.mark.parametrize(("args", "kwargs", "says"), [
    ((), {}, "needs 'mg'"),
    ((1, "a", (), "extra"), {}, "takes 3 fields"),
    ((1,), {"mg": 2}, "got 'mg' twice"),
    ((1,), {"dose": 2}, "has no field 'dose'"),
])
def test_wrong_arguments_are_a_type_error(args, kwargs, says):
    with pytest.raises(TypeError, match=says):
        Dose(*args, **kwargs)


def test_a_field_without_a_default_cannot_follow_one_with_a_default():
    with pytest.raises(TypeError, match="'late' without a default"):
        class Bad(Record):
            early: int = 1
            late: int


def test_fields_cannot_be_assigned_or_deleted():
    dose = Dose(1)
    with pytest.raises(FrozenError):
        dose.mg = 2
    with pytest.raises(FrozenError):
        del dose.mg
    with pytest.raises(AttributeError):
        dose.other = 1
    assert dose.mg == 1


def test_post_init_checks_and_normalises_on_construction_and_replace():
    with pytest.raises(ValueError, match="low above high"):
        Checked(3, 2)
    assert Checked(-5, 2).low == 0
    checked = Checked(1, 2)
    with pytest.raises(ValueError, match="low above high"):
        replace(checked, high=0)
    assert replace(checked, low=-1) == Checked(0, 2)


def test_replace_changes_only_what_it_is_given_and_refuses_unknown_fields():
    dose = Dose(1, "a", ("n",))
    assert replace(dose, label="b") == Dose(1, "b", ("n",))
    assert dose == Dose(1, "a", ("n",))
    assert type(replace(Labelled(1), mg=2)) is Labelled
    with pytest.raises(TypeError, match="has no field 'colour'"):
        replace(dose, colour="red")


def test_equality_and_hashing_follow_the_class_and_every_field():
    assert Dose(1) == Dose(1) and hash(Dose(1)) == hash(Dose(1))
    assert Dose(1) != Dose(2)
    assert Dose(1) != Dose(1, notes=("x",))
    assert Dose(1) != Labelled(1)  # a subclass with the same values is another kind of thing
    assert Dose(1) != Strength(1)  # so is another class with the same fields
    assert Dose(1) != (1, "LDN", ())
    assert len({Dose(1), Dose(1), Dose(2)}) == 2


def test_repr_names_the_class_and_every_field():
    assert repr(Dose(1, "a'b")) == "Dose(mg=1, label=\"a'b\", notes=())"


def test_records_pickle_and_copy_without_tripping_the_freeze():
    # batch workers send results between processes
    labelled = Labelled(1, "a", ("n",), "red")
    assert pickle.loads(pickle.dumps(labelled)) == labelled
    assert copy.deepcopy(labelled) == labelled
    assert copy.copy(labelled) == labelled


@pytest.mark.parametrize("default", [[], {}, set(), bytearray()])
def test_a_mutable_default_is_refused_as_a_dataclass_refuses_it(default):
    """Every record would share the one object: appending to one record's list would change them all."""
    with pytest.raises(ValueError, match="mutable default"):
        class Shared(Record):
            notes: object = default
