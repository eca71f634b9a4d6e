"""What every event contract is: a pydantic model of an event's `data`, with its type (the
routing key, `<aggregate>.<past_verb>`) and its `dataversion` as class variables.

A breaking change is a new class with the next version whose `PREVIOUS` is the old class and
whose `upcast` turns the old data into the new: a consumer registers for the newest version
only and receives every older one upcast (`Catalogue.read`), so producers can roll over
while events of the old version are still in outboxes, queues or the archive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ValidationError


class ContractError(ValueError):
    """A contract (or a service's list of them) that cannot work; raised at start-up."""


class UnknownVersion(ValueError):
    """Data of a version this consumer cannot read (newer than its contracts): poison here."""


class EventData(BaseModel):
    """The base of every event's `data`. Subclasses set `TYPE` and `VERSION`."""

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[str] = ""
    # The version this one replaces; `upcast` reads it.
    PREVIOUS: ClassVar[type[EventData] | None] = None

    @classmethod
    def upcast(cls, old: EventData) -> Self:
        """`old` (an instance of `PREVIOUS`) as this version. Versions with a PREVIOUS
        override it."""
        raise ContractError(f"{cls.TYPE} v{cls.VERSION} does not upcast from "
                            f"{type(old).__name__}")

    @classmethod
    def key(cls) -> tuple[str, str]:
        return cls.TYPE, cls.VERSION

    @classmethod
    def label(cls) -> str:
        return f"{cls.TYPE} v{cls.VERSION}"

    @classmethod
    def versions(cls) -> list[type[EventData]]:
        """This version and every older one it upcasts from, newest first."""
        chain: list[type[EventData]] = [cls]
        while (previous := chain[-1].PREVIOUS) is not None:
            chain.append(previous)
        return chain

    @classmethod
    def read(cls, version: str, data: Any) -> Self:
        """`data` of `version` (this one or an older one) as this version: validated
        against its own version's model, then upcast step by step. Raises
        pydantic.ValidationError for invalid data, UnknownVersion for a version not in the
        chain (e.g. newer than this consumer knows)."""
        chain = cls.versions()
        for index, model in enumerate(chain):
            if model.VERSION == version:
                value: EventData = model.model_validate(data)
                for newer in reversed(chain[:index]):
                    value = newer.upcast(value)
                if not isinstance(value, cls):
                    raise ContractError(f"{cls.label()}: an upcast gave {type(value)}")
                return value
        raise UnknownVersion(f"{cls.TYPE} has no version {version!r} here (this consumer "
                             f"reads {', '.join('v' + m.VERSION for m in chain)})")


def check_contract(model: object) -> type[EventData]:
    """`model` as an event contract, or ContractError saying what is wrong with it."""
    if not (isinstance(model, type) and issubclass(model, EventData)):
        raise ContractError(f"{model!r} is not an event contract (a tidtam_contracts "
                            "EventData subclass)")
    if not model.TYPE or not model.VERSION:
        raise ContractError(f"{model.__name__} has no TYPE or VERSION")
    previous = model.PREVIOUS
    if previous is not None:
        if previous.TYPE != model.TYPE or int(previous.VERSION) >= int(model.VERSION):
            raise ContractError(f"{model.label()} cannot follow {previous.label()}")
        if model.upcast.__func__ is EventData.upcast.__func__:  # type: ignore[attr-defined]
            raise ContractError(f"{model.label()} follows {previous.label()} but has no "
                                "upcast")
    return model


class Catalogue:
    """Every contract by (type, version), and the newest version of each type."""

    def __init__(self, models: Iterable[type[EventData]]):
        self.models: dict[tuple[str, str], type[EventData]] = {}
        for model in models:
            check_contract(model)
            known = self.models.get(model.key())
            if known is not None and known is not model:
                raise ContractError(f"{model.label()} is defined twice: {known.__name__} "
                                    f"and {model.__name__}")
            self.models[model.key()] = model
        self._latest: dict[str, type[EventData]] = {}
        for model in self.models.values():
            current = self._latest.get(model.TYPE)
            if current is None or int(model.VERSION) > int(current.VERSION):
                self._latest[model.TYPE] = model

    def __contains__(self, model: object) -> bool:
        return isinstance(model, type) and issubclass(model, EventData) \
            and self.models.get(model.key()) is model

    def latest(self, type_: str) -> type[EventData]:
        try:
            return self._latest[type_]
        except KeyError:
            raise ContractError(f"no contract for event type {type_}") from None

    def require_newest(self, model: type[EventData], who: str, verb: str) -> None:
        """ContractError naming the event type unless `model` is in the catalogue and the
        newest version of its type (what a service publishes, and what a handler is
        registered for: older versions are upcast to it)."""
        if model not in self:
            raise ContractError(f"{who} {verb} {model.label()}, which is not in "
                                "tidtam_contracts")
        newest = self.latest(model.TYPE)
        if newest is not model:
            raise ContractError(f"{who} {verb} {model.label()}; the newest is "
                                f"{newest.label()} (older versions are upcast to it): "
                                f"{verb} that")

    def types(self) -> list[str]:
        return sorted(self._latest)


__all__ = ["Catalogue", "ContractError", "EventData", "UnknownVersion", "ValidationError",
           "check_contract"]
