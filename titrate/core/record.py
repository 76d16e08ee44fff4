"""Frozen value classes that cost nothing to define: the plan's parts, requests and results.

Why not `dataclasses.dataclass(frozen=True)`: it writes and compiles (exec) six methods for every class,
about 0.7 ms a class on Python 3.11, and titrate's 35 value classes made that 25 ms of every command's
start-up, half of what titrate adds to click (issue 13). A Record behaves like a frozen dataclass (fields
from the class's annotations in order, defaults from its assignments, keyword or positional arguments,
`__post_init__` to check and normalise, equality and hashing by fields, a readable repr, no assignment
after construction) but its methods are written once, here, so defining a class only reads its
annotations. Type checkers read a Record like a dataclass (`dataclass_transform`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar, dataclass_transform

R = TypeVar("R", bound="Record")


class FrozenError(AttributeError):
    """A Record's fields are set once, at construction."""


@dataclass_transform(eq_default=True, frozen_default=True)
class Record:
    """Subclass and annotate the fields; give a field a default by assigning it in the class body. Every
    annotation in the body is a field (a constant shared by the class goes at module level)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__(**options)
        # The class's own annotations, read from its __dict__: inspect.get_annotations would import inspect,
        # which costs more start-up time than every Record class together.
        own = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
        cls._fields = (*cls._fields, *(name for name in own if name not in cls._fields))
        defaults = {name: cls.__dict__[name] for name in own if name in cls.__dict__}
        for name, value in defaults.items():
            if type(value).__hash__ is None:  # a list, dict or set: every record would share the one object
                raise ValueError(f"{cls.__name__}: mutable default {type(value).__name__} for field {name!r}")
        cls._defaults = {**cls._defaults, **defaults}
        required = [name for name in cls._fields if name not in cls._defaults]
        if required and cls._fields.index(required[-1]) >= len(required):
            raise TypeError(f"{cls.__name__}: field {required[-1]!r} without a default follows one with a default")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self._fields
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes {len(names)} fields ({len(args)} given)")
        values = dict(self._defaults)
        values.update(zip(names, args))
        if kwargs:
            for name in kwargs:
                if name not in names:
                    raise TypeError(f"{type(self).__name__} has no field {name!r}")
                if name in names[:len(args)]:
                    raise TypeError(f"{type(self).__name__} got {name!r} twice")
            values.update(kwargs)
        if len(values) < len(names):
            missing = ", ".join(repr(name) for name in names if name not in values)
            raise TypeError(f"{type(self).__name__} needs {missing}")
        object.__setattr__(self, "__dict__", values)
        self.__post_init__()

    def __post_init__(self) -> None:
        """Check and normalise the fields; normalising sets them with object.__setattr__, once."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"cannot assign to field {name!r}: a {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r}: a {type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__[name] for name in self._fields))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"


def fields(record: Record | type[Record]) -> tuple[str, ...]:
    """The names of a Record's fields, in order."""
    return record._fields


def replace(record: R, **changes: Any) -> R:
    """A copy of `record` with some fields changed, built (and so checked) like a new one."""
    return type(record)(**{**{name: record.__dict__[name] for name in record._fields}, **changes})
