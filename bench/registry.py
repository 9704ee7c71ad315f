"""The list of benchmark cases, filled by the ``@case`` decorator."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Union

if TYPE_CHECKING:
    from bench.context import BenchContext
    from bench.harness import Row

CaseResult = Union["Row", "list[Row]"]
CaseFunction = Callable[["BenchContext"], CaseResult]


@dataclass(frozen=True)
class Case:
    name: str
    function: CaseFunction
    description: str


class Registry:
    """Cases by name, in registration order."""

    def __init__(self) -> None:
        self._cases: dict[str, Case] = {}

    def case(self, name: str, description: str = "") -> Callable[[CaseFunction], CaseFunction]:
        """Register ``function(ctx) -> Row | list[Row]`` under ``name`` (also used to select it
        with ``python -m bench --only NAME``)."""

        def register(function: CaseFunction) -> CaseFunction:
            if name in self._cases:
                raise ValueError(f"Cas de mesure déjà déclaré : {name}")
            doc = description or ((function.__doc__ or "").strip().splitlines() or [""])[0]
            self._cases[name] = Case(name, function, doc)
            return function

        return register

    def __iter__(self):  # noqa: ANN204
        return iter(self._cases.values())

    def __len__(self) -> int:
        return len(self._cases)

    def names(self) -> list[str]:
        return list(self._cases)

    def select(self, names: Iterable[str] | None) -> list[Case]:
        if not names:
            return list(self._cases.values())
        unknown = [n for n in names if n not in self._cases]
        if unknown:
            raise KeyError(
                "Cas inconnu(s) : " + ", ".join(unknown) + ". Disponibles : " + ", ".join(self._cases)
            )
        return [self._cases[n] for n in names]


REGISTRY = Registry()
case = REGISTRY.case


def load_cases() -> Registry:
    """Import ``bench.cases`` and every ``bench.cases_*`` module, which register themselves."""
    import bench

    importlib.import_module("bench.cases")
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("cases_"):
            importlib.import_module(f"bench.{info.name}")
    return REGISTRY
