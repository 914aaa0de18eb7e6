"""A sweep's plan: its scenarios, checked against the case before anything runs, and kept as
``plan.json`` so that ``--resume`` finishes exactly the sweep that was started.

The plan holds the resolved model configuration (not just its name) and the case's hash, so a
resumed sweep solves under the same configuration and refuses a case that changed meanwhile.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from fiscalshare.config import as_config
from fiscalshare.errors import InputError, Problem
from fiscalshare.sweep import scenarios as sc
from fiscalshare.sweep.tornado import Bar, tornado_scenarios

PLAN_VERSION = 1


@dataclass
class SweepPlan:
    """Everything a sweep needs besides the case itself."""

    case: str
    input_sha256: str
    model: str
    config: dict
    keys: list[str]
    scenarios: list[sc.Scenario]
    tornado: list[sc.Scenario] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    reuse: bool = True
    time_limit: float | None = None
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    meanings: list[str] = field(default_factory=list)
    prices: bool = False
    running: dict = field(default_factory=dict)  # serial, workers, scheduler (what --resume uses)
    lang: str = "zh"

    @property
    def every_scenario(self) -> list[sc.Scenario]:
        return [*self.scenarios, *self.tornado]

    def to_json(self) -> str:
        return json.dumps({
            "plan_version": PLAN_VERSION, "case": self.case, "input_sha256": self.input_sha256,
            "model": self.model, "config": self.config, "keys": self.keys,
            "scenarios": [s.encoded() for s in self.scenarios],
            "tornado": [s.encoded() for s in self.tornado],
            "bars": [b.encoded() for b in self.bars],
            "reuse": self.reuse, "time_limit": self.time_limit, "token": self.token,
            "meanings": self.meanings, "running": self.running, "lang": self.lang,
            "prices": self.prices,
        }, ensure_ascii=False, indent=1, default=str)

    @classmethod
    def from_json(cls, text: str) -> SweepPlan:
        data = json.loads(text)
        if data.get("plan_version") != PLAN_VERSION:
            raise InputError([Problem("plan.json", "written by another version of fiscalshare "
                                      f"(plan version {data.get('plan_version')!r})")])
        return cls(
            case=data["case"], input_sha256=data["input_sha256"], model=data["model"],
            config=data["config"], keys=list(data["keys"]),
            scenarios=[sc.Scenario.decoded(s) for s in data["scenarios"]],
            tornado=[sc.Scenario.decoded(s) for s in data["tornado"]],
            bars=[Bar(**b) for b in data["bars"]],
            reuse=bool(data["reuse"]), time_limit=data["time_limit"], token=data["token"],
            meanings=list(data.get("meanings", [])), running=dict(data.get("running", {})),
            lang=str(data.get("lang", "zh")), prices=bool(data.get("prices", False)),
        )


def make_plan(inputs: xr.Dataset, config: dict, *, case: Path, model: str,
              vary: Sequence[str] = (), paired: bool = False, file: Path | None = None,
              tornado: bool = False, reuse: bool = True,
              time_limit: float | None = None, prices: bool = False,
              lang: str = "zh") -> SweepPlan:
    """The scenarios of ``--vary``/``--file`` (and the tornado's), every one checked now."""
    if file is not None and vary:
        raise InputError([sc._problem("give the scenarios either with --vary or in --file, "
                                      "not both")])
    if file is not None:
        changes, names = sc.read_sweep_file(file, inputs)
    elif vary:
        changes = sc.combine(sc.parse_vary(list(vary), inputs), paired=paired)
        names = [sc.scenario_name(c) for c in changes]
    else:
        changes, names = [], []
    if not changes and not tornado and not prices:
        raise InputError([sc._problem("nothing to sweep: give --vary KEY=VALUES, --file "
                                      f"SWEEP.yaml, --tornado or --prices; "
                                      f"{sc.accepted_keys()}")])
    scenarios = sc.number_scenarios(changes, names)
    keys = list(dict.fromkeys(key for s in scenarios for key in s.changes))
    refuse_questions_not_answered(inputs, config, scenarios, keys)
    check_scenarios(inputs, config, scenarios)
    extra, bars = tornado_scenarios(inputs, config) if tornado else ([], [])
    return SweepPlan(case=str(Path(case).resolve()),
                     input_sha256=str(inputs.attrs.get("input_sha256", "")), model=str(model),
                     config=json.loads(json.dumps(as_config(config).as_dict(), default=str)),
                     keys=keys,
                     scenarios=scenarios, tornado=extra, bars=bars, reuse=reuse,
                     time_limit=time_limit,
                     meanings=[sc.meaning(key, config, lang) for key in keys], prices=prices,
                     lang=lang)


def refuse_questions_not_answered(inputs: xr.Dataset, config: dict,
                                  scenarios: list[sc.Scenario], keys: list[str]) -> None:
    """A key that cannot mean what it says under this configuration stops the sweep now, with
    the configuration that answers the question (exit 2, nothing solved)."""
    problems: list[Problem] = []
    for text in keys:
        key = sc.parse_key(text, inputs, problems)
        if key is None:
            continue
        values = [s.changes[text] for s in scenarios if text in s.changes]
        why = sc.refusal(key, values, inputs, config)
        if why:
            problems.append(Problem("sweep", why))
    if problems:
        raise InputError(problems)


def check_scenarios(inputs: xr.Dataset, config: dict, scenarios: list[sc.Scenario]) -> None:
    """Apply every scenario and check the result as ``solve`` would (exit 2, all together).

    A share moved past the bound of a neighbouring tier, say, is caught here rather than
    scenario by scenario while the sweep runs.
    """
    from fiscalshare.model.checks import check_case

    problems: list[Problem] = []
    for scenario in scenarios:
        modified, scenario_config = sc.apply_scenario(inputs, config, scenario.changes)
        try:
            check_case(modified, scenario_config)
        except InputError as exc:
            shown = exc.problems[:3]
            problems += [Problem("sweep", f"scenario {scenario.id} ({scenario.name}): {p}")
                         for p in shown]
            if len(exc.problems) > len(shown):
                problems.append(Problem("sweep", f"scenario {scenario.id}: … and "
                                        f"{len(exc.problems) - len(shown)} more like these"))
    if problems:
        raise InputError(problems)
