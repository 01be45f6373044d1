"""corridor: discrete-event simulation of freight corridors, from Python.

Load a scenario from a file, TOML text or a dict, then run it, compare variants, search
the demand it sustains (capacity) or the cheapest plan of upgrades (plan). Every call
returns the JSON document the command line writes for the same command (``summary.json``,
``capacity.json``, ``plan.json``) as a dict; the numbers are the command line's for the
same scenario and seed, bit for bit. ``Result.to_frame()`` gives a pandas DataFrame when
pandas is installed.

    >>> import corridor
    >>> s = corridor.load("scenarios/mmc_port.toml")
    >>> r = s.run(replications=4, seed=7)
    >>> r["variants"][0]["stability"]["verdict"]
    'stable'
    >>> r.to_frame().loc[("base", "port.port.ship_wait_hours.mean"), "mean"]  # doctest: +SKIP

Errors are exceptions carrying the located message: ``ScenarioError`` (file, line,
column and field), ``SettingsError`` (a criterion, a variant or a count) and
``SimulationError``; all derive from ``CorridorError``. Ctrl-C stops a call cleanly
(the replications under way finish) and raises ``KeyboardInterrupt``.

``progress`` arguments take a callable: runs call it with ``(done, total)``
replications, searches with one line of text per point or plan simulated.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Optional, Sequence

from . import _corridor
from ._corridor import CorridorError, ScenarioError, SettingsError, SimulationError

__version__ = _corridor.__version__

__all__ = [
    "Scenario",
    "Result",
    "load",
    "from_toml",
    "from_dict",
    "CorridorError",
    "ScenarioError",
    "SettingsError",
    "SimulationError",
]


class Result(dict):
    """A result document (a plain dict) that can also become a pandas DataFrame."""

    def to_frame(self):
        """This result as a pandas DataFrame.

        A run or comparison: one row per (variant, KPI) with the summary's fields
        (mean, sd, ci95_low, ci95_high, min, p05, p50, p95, max, n, not_steady_state).
        A capacity search: one row per variant with its answer's figures. A plan search: one row per plan simulated.
        """
        try:
            import pandas as pd
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError("to_frame() needs pandas: pip install pandas") from error
        if "variants" in self:
            return _kpi_frame(pd, self)
        if "answers" in self:
            rows = [{k: v for k, v in a.items() if not isinstance(v, (list, dict))} for a in self["answers"]]
            return pd.DataFrame(rows)
        if "plan" in self:
            rows = []
            for e in self["plan"]["evaluated"]:
                plan = e["plan"]
                rows.append(
                    {
                        "considered": e["considered"],
                        "cost": plan["cost"],
                        "plan": " + ".join(f'{u["id"]} {u["date"]}' for u in plan["upgrades"]),
                        "feasible": e["feasible"],
                        "replications": e["replications"],
                        "within_zone": e["within_zone"],
                        "failing_year": e.get("failing_year"),
                        "decided": e["decided"],
                    }
                )
            return pd.DataFrame(rows).set_index("considered")
        raise ValueError("this result has no table form")

    def kpi(self, variant: str, key: str) -> dict:
        """The summary of KPI ``key`` of ``variant`` (a run or comparison)."""
        for v in self.get("variants", []):
            if v["name"] == variant:
                if key not in v["kpis"]:
                    raise KeyError(f"{variant} has no KPI {key!r} in this result (ask for it with kpis=[...])")
                return v["kpis"][key]
        names = ", ".join(v["name"] for v in self.get("variants", []))
        raise KeyError(f"no variant {variant!r} in this result (variants: {names})")


def _kpi_frame(pd, result: dict):
    rows = []
    for v in result["variants"]:
        for key, s in v["kpis"].items():
            rows.append(
                {
                    "variant": v["name"],
                    "kpi": key,
                    "mean": s["mean"],
                    "sd": s["sd"],
                    "ci95_low": s["ci95"][0],
                    "ci95_high": s["ci95"][1],
                    "min": s["min"],
                    "p05": s["p05"],
                    "p50": s["p50"],
                    "p95": s["p95"],
                    "max": s["max"],
                    "n": s["n"],
                    "not_steady_state": bool(s.get("not_steady_state", False)),
                }
            )
    return pd.DataFrame(rows).set_index(["variant", "kpi"])


class Scenario:
    """A scenario: its base and its variants. Make one with :func:`load`,
    :func:`from_toml` or :func:`from_dict`."""

    def __init__(self, inner: "_corridor.Scenario"):
        self._inner = inner

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._inner.name

    @property
    def file(self) -> str:
        """The file it was read from, or the name it was given."""
        return self._inner.file

    @property
    def variants(self) -> list:
        """The declared variants, in file order (empty when there are none)."""
        return self._inner.variants

    def __repr__(self) -> str:
        return repr(self._inner)

    def run(
        self,
        variants: Optional[Sequence[str]] = None,
        replications: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        all_kpis: bool = False,
        kpis: Iterable[str] = (),
        progress: Optional[Callable] = None,
    ) -> Result:
        """``corridor run``: every variant (or those named), the scenario's seed and
        replications unless given. Returns the ``summary.json`` document: the headline
        KPIs, plus every KPI with ``all_kpis=True`` or those matching ``kpis`` patterns
        (``*`` for any characters)."""
        text = self._inner.run_json(
            variants=_names(variants), replications=replications, seed=seed, threads=threads,
            all_kpis=all_kpis, kpis=list(kpis), base=None, progress=progress,
        )
        return Result(json.loads(text))

    def compare(
        self,
        base: Optional[str] = None,
        variants: Optional[Sequence[str]] = None,
        replications: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        all_kpis: bool = False,
        kpis: Iterable[str] = (),
        progress: Optional[Callable] = None,
    ) -> Result:
        """``corridor compare``: a run plus paired differences (common random numbers)
        of each variant against ``base`` (default: the first variant), in
        ``result["comparisons"]``."""
        names = _names(variants)
        if base is None:
            base = (names or self.variants or ["base"])[0]
        text = self._inner.run_json(
            variants=names, replications=replications, seed=seed, threads=threads,
            all_kpis=all_kpis, kpis=list(kpis), base=base, progress=progress,
        )
        return Result(json.loads(text))

    def capacity(
        self,
        criteria: Iterable[str] = (),
        variants: Optional[Sequence[str]] = None,
        tags: Iterable[str] = (),
        max_factor: float = 3.0,
        resolution: float = 0.01,
        replications: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Optional[Callable] = None,
    ) -> Result:
        """``corridor capacity``: the largest demand factor (on flows tagged ``tags``,
        or all) at which the corridor stays stable and every criterion such as
        ``'port.baku.ship_wait_hours.p95 <= 24'`` holds. Returns the ``capacity.json``
        document."""
        text = self._inner.capacity_json(
            criteria=list(criteria), variants=_names(variants), tags=list(tags), max_factor=max_factor,
            resolution=resolution, replications=replications, seed=seed, threads=threads, progress=progress,
        )
        return Result(json.loads(text))

    def plan(
        self,
        criteria: Iterable[str] = (),
        variant: Optional[str] = None,
        criteria_from: Optional[int] = None,
        budget: Optional[float] = None,
        best: int = 5,
        screen: int = 5,
        replications: Optional[int] = None,
        max_replications: Optional[int] = None,
        tolerance: float = 0.02,
        alpha: float = 0.05,
        max_simulated: int = 200,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: Optional[Callable] = None,
    ) -> Result:
        """``corridor plan``: the cheapest plans of the scenario's candidate upgrades,
        with dates, that keep every year stable and every criterion true. Returns the
        ``plan.json`` document (``result["plan"]["best"]``, cheapest first)."""
        text = self._inner.plan_json(
            criteria=list(criteria), variant=variant, criteria_from=criteria_from, budget=budget, best=best,
            screen=screen, replications=replications, max_replications=max_replications, tolerance=tolerance,
            alpha=alpha, max_simulated=max_simulated, seed=seed, threads=threads, progress=progress,
        )
        return Result(json.loads(text))


def _names(names: Optional[Sequence[str]]) -> Optional[list]:
    if names is None:
        return None
    if isinstance(names, str):
        return [names]
    return list(names)


def load(path) -> Scenario:
    """Loads the scenario file at ``path``."""
    return Scenario(_corridor.load(str(path)))


def from_toml(text: str, file: str = "<string>") -> Scenario:
    """Reads a scenario from TOML text; ``file`` names it in error messages."""
    return Scenario(_corridor.from_toml(text, file))


def from_dict(data: dict, file: str = "<dict>") -> Scenario:
    """Reads a scenario from a dict shaped like the TOML file (tables as dicts, arrays
    as lists; ``None`` values are left out)."""
    return Scenario(_corridor.from_dict(data, file))
