"""Model configurations: shipped files, resolution, validation, and checks against a case."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from tests.factories import two_region_case
from tests.hand_cases import three_regions

from fiscalshare.config import (
    DEFAULTS,
    ModelConfig,
    as_config,
    available,
    configurations_dir,
    load_config,
)
from fiscalshare.errors import ConfigError, InputError
from fiscalshare.model.checks import check_case
from fiscalshare.quantities import priority_chains, priority_links

SHIPPED = ("default", "fixed-ratios", "no-equalisation", "ratio-menu")


def test_the_four_configurations_ship_and_say_what_they_are():
    assert set(SHIPPED) <= set(available())
    for name in SHIPPED:
        text = (configurations_dir() / f"{name}.yaml").read_text(encoding="utf-8")
        assert text.startswith(f"# {name}"), name  # documented at the top
        config = load_config(name)
        assert config["name"] == name and config["description"]
        assert set(DEFAULTS) <= set(config)
        json.dumps(config.as_dict())  # stored with every run


def test_packaged_configurations_equal_the_top_level_models():
    """The package carries real copies of models/*.yaml (an installed package has no models/)."""
    models = Path(__file__).resolve().parents[1] / "models"
    top = {p.name: p.read_bytes() for p in models.glob("*.yaml")}
    packaged = {p.name: p.read_bytes() for p in configurations_dir().glob("*.yaml")}
    assert top, "models/ holds no configuration"
    assert not configurations_dir().is_symlink()
    assert packaged == top, "copy models/*.yaml to src/fiscalshare/configurations/"


@pytest.mark.parametrize(("name", "mode", "switch"), [
    ("default", "optimise", "on"), ("fixed-ratios", "fixed", "on"),
    ("no-equalisation", "optimise", "off"), ("ratio-menu", "menu", "on"),
])
def test_each_configuration_sets_its_mode(name, mode, switch):
    config = load_config(name)
    assert (config["ratio_mode"], config["equalisation"]) == (mode, switch)


def test_defaults_and_overrides():
    config = load_config()
    assert config["name"] == "default"
    assert config["eta"] == 1.0 and config["phi"]["old_revolutionary"] == 0.1
    assert config["threads"] == 1 and config["time_limit"] is None
    changed = load_config("default", {"eta": "0.5", "equalisation": False, "time_limit": 30,
                                      "phi": {"border": 0.4}, "threads": None})
    assert changed["eta"] == 0.5 and changed["equalisation"] == "off"
    assert changed["time_limit"] == 30.0 and changed["threads"] == 1  # None: flag not given
    assert changed["phi"] == {"poverty_exited": 0.2, "ethnic": 0.2, "border": 0.4,
                              "old_revolutionary": 0.1}


def test_a_configuration_file_by_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("# mine\nratio_mode: fixed\nequalisation: off\neta: 2\n", encoding="utf-8")
    config = load_config(path)
    assert (config["name"], config["ratio_mode"], config["equalisation"], config["eta"]) == (
        "mine", "fixed", "off", 2.0)


@pytest.mark.parametrize(("overrides", "key"), [
    ({"ratio_mode": "random"}, "ratio_mode"),
    ({"equalisation": "maybe"}, "equalisation"),
    ({"eta": -1}, "eta"),
    ({"eta": "a lot"}, "eta"),
    ({"phi": {"coastal": 0.1}}, "phi"),
    ({"phi": {"border": -0.2}}, "phi"),
    ({"phi": [0.1]}, "phi"),
    ({"mip_rel_gap": float("nan")}, "mip_rel_gap"),
    ({"time_limit": 0}, "time_limit"),
    ({"threads": 1.5}, "threads"),
    ({"threads": 0}, "threads"),
    ({"random_seed": True}, "random_seed"),
    ({"method": "barrier"}, "method"),
    ({"backend": "gurobi"}, "backend"),
    ({"colour": "red"}, "colour"),
])
def test_bad_values_are_reported_with_their_key(overrides, key):
    with pytest.raises(ConfigError) as caught:
        load_config("default", overrides)
    assert caught.value.exit_code == 2
    assert any(problem.column == key for problem in caught.value.problems), caught.value


def test_unknown_names_and_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="unknown configuration 'nonesuch'.*default"):
        load_config("nonesuch")
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("ratio_mode: [fixed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML"):
        load_config(broken)
    listed = tmp_path / "listed.yaml"
    listed.write_text("- fixed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(listed)


def test_menu_mode_needs_a_menu():
    with pytest.raises(InputError, match="ratio_menu"):
        check_case(two_region_case(), load_config("ratio-menu"))
    check_case(two_region_case(), load_config("default"))  # no menu needed here


def test_a_menu_that_misses_a_rows_bounds_is_named():
    """Menu {0.2, 0.8} and bounds [0.3, 0.6] on both tiers: no share fits."""
    ds = three_regions(menu=(0.2, 0.8))
    ds["province_min"][:] = 0.3
    ds["province_max"][:] = 0.6
    with pytest.raises(InputError) as caught:
        check_case(ds, load_config("ratio-menu"))
    places = [problem.sheet for problem in caught.value.problems]
    assert places == ["sharing (tier 1, item X)", "sharing (tier 2, item X)"]


def test_a_richer_tier_forced_above_a_poorer_one_is_an_input_error():
    """Tier 1 must get at least 0.5, tier 2 at most 0.4: the priority chain cannot hold."""
    ds = three_regions()
    ds["province_min"].loc[{"tier": 1}] = 0.5
    ds["province_max"].loc[{"tier": 2}] = 0.4
    with pytest.raises(InputError) as caught:
        check_case(ds, load_config("default"))
    (problem,) = caught.value.problems
    assert problem.sheet == "sharing (tier 2, item X)"
    assert "0.4" in problem.message and "0.5" in problem.message
    check_case(ds, load_config("fixed-ratios"))  # no priority chain in fixed mode


def test_in_menu_mode_only_menu_shares_count_for_the_chain():
    """Menu {0.2, 0.4, 0.5, 0.8}.  Tier 1 in [0.45, 0.9] can take 0.5 or 0.8, so at least 0.5.
    Tier 2 in [0.3, 0.7] may take 0.5: fine.  Tier 2 in [0.3, 0.48] can only take 0.4 < 0.5:
    an input error, although the intervals overlap (smin 0.45 ≤ smax 0.48)."""
    ds = three_regions(menu=(0.2, 0.4, 0.5, 0.8))
    ds["province_min"].loc[{"tier": 1}] = 0.45
    ds["province_max"].loc[{"tier": 1}] = 0.9
    ds["province_min"].loc[{"tier": 2}] = 0.3
    ds["province_max"].loc[{"tier": 2}] = 0.7
    check_case(ds, load_config("ratio-menu"))
    check_case(ds, load_config("default"))
    ds["province_max"].loc[{"tier": 2}] = 0.48
    check_case(ds, load_config("default"))  # continuous shares: 0.45 ≤ σ1 ≤ σ2 ≤ 0.48 works
    with pytest.raises(InputError) as caught:
        check_case(ds, load_config("ratio-menu"))
    (problem,) = caught.value.problems
    assert problem.sheet == "sharing (tier 2, item X)" and "0.5" in problem.message


def test_a_configuration_is_typed_frozen_and_stored_as_a_plain_dict():
    config = load_config("ratio-menu")
    assert isinstance(config, ModelConfig)
    assert (config.ratio_mode, config.eta, config.threads) == ("menu", 1.0, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.eta = 2.0
    stored = config.as_dict()
    assert list(stored) == [*DEFAULTS, "name", "description"]  # the manifest's key order
    assert json.loads(json.dumps(stored)) == stored
    assert dict(config) == stored  # the mapping view at seams that take a plain mapping


def test_defaults_live_in_the_dataclass():
    assert ModelConfig().as_dict() == {**DEFAULTS, "name": "default", "description": ""}
    assert DEFAULTS["eta"] == 1.0 and DEFAULTS["backend"] == "auto"


def test_changes_and_mappings_are_validated():
    config = load_config()
    changed = config.with_changes(eta=0.5, phi={"border": 0.4})
    assert changed.eta == 0.5 and changed.phi["border"] == 0.4
    assert changed.phi["ethnic"] == config.phi["ethnic"]  # φ merges flag by flag
    assert config.eta == 1.0  # the original is unchanged
    with pytest.raises(ConfigError, match="ratio_mode"):
        config.with_changes(ratio_mode="guess")
    with pytest.raises(ConfigError, match="eta"):
        as_config({**config, "eta": -1})
    assert as_config(config) is config
    assert as_config({"equalisation": False}).equalisation == "off"


def test_priority_chains_skip_tiers_without_a_row():
    given = np.array([[True, True], [False, True], [True, False]])  # tiers × items
    assert [chain.tolist() for chain in priority_chains(given)] == [[0, 2], [0, 1]]
    richer, poorer, items = priority_links(given)
    assert list(zip(richer.tolist(), poorer.tolist(), items.tolist(), strict=True)) == [
        (0, 2, 0), (0, 1, 1)]


def test_a_solve_checks_the_case_once(monkeypatch, tmp_path):
    from fiscalshare.examples import example_path
    from fiscalshare.model import checks
    from fiscalshare.workflows import SolveRequest, run_solve

    calls = []
    original = checks.check_case
    monkeypatch.setattr(checks, "check_case", lambda *a, **k: calls.append(1) or original(*a, **k))
    outcome = run_solve(SolveRequest(case=example_path("guizhou"), out=tmp_path / "run",
                                     reports=False))
    assert outcome.exit_code == 0
    assert len(calls) == 1


def test_a_case_that_contradicts_its_configuration_writes_nothing(tmp_path):
    import shutil

    from fiscalshare.examples import example_path
    from fiscalshare.workflows import SolveRequest, run_solve

    case_dir = tmp_path / "case"
    shutil.copytree(example_path("guizhou"), case_dir)
    (case_dir / "ratio_menu.csv").unlink()
    with pytest.raises(InputError, match="ratio_menu"):
        run_solve(SolveRequest(case=case_dir, model="ratio-menu", out=tmp_path / "run"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case"]
