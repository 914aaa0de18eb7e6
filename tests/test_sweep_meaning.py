"""Sweeps that answer the question asked: what a key means, what is refused, what had no effect,
revenue and demand what-ifs, and every scenario equal to a standalone solve of its edited case."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from fiscalshare.cli import main
from fiscalshare.config import load_config
from fiscalshare.examples import example_path
from fiscalshare.examples.synthetic import generate
from fiscalshare.io import load_case, write_case
from fiscalshare.report.labels import label
from fiscalshare.solve import solve_case
from fiscalshare.sweep import folder as sweep_folder
from fiscalshare.sweep import run_sweep, runner
from fiscalshare.sweep import scenarios as sc


def _sweep(folder: Path) -> xr.Dataset:
    with xr.open_dataset(folder / "sweep.nc", engine="h5netcdf") as opened:
        return opened.load()


@pytest.fixture(scope="module")
def short_case(tmp_path_factory) -> Path:
    """A synthetic province whose budget leaves soft items short (z1 > 0: stage 2's row)."""
    path = tmp_path_factory.mktemp("short") / "case"
    write_case(generate(24, 6, 3, 3, budget_factor=0.6), path)
    return path


def test_province_share_under_optimise_pins_the_share_and_gives_four_answers(tmp_path):
    out = tmp_path / "sweep"
    outcome = run_sweep(example_path("guizhou"), "default", out,
                        vary=["province_share:t3=0.7,0.8,0.9,1.0"], serial=True, lang="en")
    sweep = _sweep(out)
    z2 = sweep["objective_cost"].values
    assert list(sweep["status"].values) == ["optimal"] * 4
    assert len(set(np.round(z2, 2))) == 4 and np.all(np.diff(z2) > 0)
    assert "pins it" in outcome.meanings[0]
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert "pins it" in plan["meanings"][0]
    inputs = load_case(example_path("guizhou"))
    share = sweep["provincial_share"].sel(tier=3).values  # every item of tier 3 at the value
    given = inputs["sharing_given"].sel(tier=3).values
    for k, value in enumerate((0.7, 0.8, 0.9, 1.0)):
        np.testing.assert_allclose(share[k][given], value, atol=1e-9)
    assert outcome.no_effect == {}


def test_a_pin_the_priority_rule_cannot_meet_is_refused_naming_the_answer(tmp_path, capsys):
    case = tmp_path / "case"
    write_case(generate(30, 4, 2, 1), case)
    with pytest.raises(SystemExit) as ended:
        main(["sweep", str(case), "--vary", "province_share:t3=0.7,0.8,0.9,1.0", "--serial",
              "--out", str(tmp_path / "s"), "--lang", "en"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert "fixed-ratios" in err and "poorer tier" in err
    assert not (tmp_path / "s").exists()


def test_a_menu_pin_off_the_menu_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as ended:
        main(["sweep", "--model", "ratio-menu", "--vary", "province_share:t3=0.75",
              "--serial", "--out", str(tmp_path / "s"), "--lang", "en"])
    assert ended.value.code == 2
    assert "menu" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_a_key_without_effect_is_reported_with_the_reason(tmp_path):
    """In the Guizhou example nothing falls short, so η cannot change the optimum."""
    outcome = run_sweep(example_path("guizhou"), "default", tmp_path / "s",
                        vary=["eta=0,1,2", "budget=x1.0,x1.2"], serial=True, lang="en")
    assert set(outcome.no_effect) == {"eta", "budget"}
    assert "nothing falls short" in outcome.no_effect["eta"]
    assert "never binds" in outcome.no_effect["budget"]
    sweep = _sweep(tmp_path / "s")
    assert "eta" in json.loads(sweep.attrs["no_effect"])
    assert len(set(np.round(sweep["objective_cost"].values, 4))) == 1


def test_a_key_with_effect_is_not_reported(short_case, tmp_path):
    outcome = run_sweep(short_case, "default", tmp_path / "s", vary=["eta=0,1"], serial=True)
    assert outcome.no_effect == {}


VARIED = ["budget=x1.0,x1.05,x1.3", "eta=0.5", "capacity=x0.99,x1.0",
          "beneficiaries=x0.995,x1.0"]


def test_every_reused_scenario_equals_a_standalone_solve(short_case, tmp_path):
    """One kept HiGHS model takes budgets, η, capacity and beneficiaries in place; every
    scenario's z1, z2, money by year and equalisation equal a fresh solve of the edited case."""
    runner.forget_models()
    runner.COUNTS.clear()
    out = tmp_path / "s"
    run_sweep(short_case, "default", out, vary=VARIED, serial=True)
    assert runner.COUNTS["updated"] >= 11  # the baseline built the model
    sweep = _sweep(out)
    inputs = load_case(short_case)
    config = load_config("default")
    baseline = sweep_folder.load(out, "baseline").figures
    reference = {"provincial_money": baseline["provincial_money"].values,
                 "equalisation": baseline["equalisation"].values}
    scenarios = sc.combine(sc.parse_vary(VARIED, inputs))
    assert sweep.sizes["scenario"] == len(scenarios) == 12
    shortfalls = 0
    for k, changes in enumerate(scenarios):
        modified, scenario_config = sc.apply_scenario(inputs, config, changes,
                                                      reference=reference)
        alone = solve_case(modified, scenario_config)
        z1, z2 = alone.attrs["objective_shortfall"], alone.attrs["objective_cost"]
        shortfalls += z1 > 0
        assert float(sweep["objective_shortfall"][k]) == pytest.approx(z1, rel=1e-6, abs=1e-3)
        assert float(sweep["objective_cost"][k]) == pytest.approx(z2, rel=1e-6)
        money = (alone["funding"].sel(level="province").sum(("region", "item"))
                 + alone["equalisation"].sum("unit"))
        np.testing.assert_allclose(sweep["provincial_money"][k], money, rtol=1e-6)
        np.testing.assert_allclose(float(sweep["shortfall_by_domain"][k].sum()),
                                   float(alone["shortfall"].sum()), rtol=1e-6, atol=1e-2)
    assert shortfalls >= 3  # the stage-2 row path was exercised and reset between scenarios


def test_a_capacity_cut_raises_equalisation_or_shortfall_as_standalone_solves_do(tmp_path):
    """减收: every county's capacity ×0.9, ×0.95, ×1.0."""
    case = tmp_path / "case"
    write_case(generate(20, 5, 2, 3), case)
    out = tmp_path / "s"
    run_sweep(case, "default", out, vary=["capacity=x0.9,x0.95,x1.0"], serial=True)
    sweep = _sweep(out)
    # the province pays more (co-financing or equalisation: equally costly, so their split is
    # not unique) and nothing falls short, or more falls short
    z1, z2 = sweep["objective_shortfall"].values, sweep["objective_cost"].values
    assert (z2[0] > z2[1] > z2[2]) or (z1[0] > z1[1] > z1[2])
    inputs = load_case(case)
    for k, factor in enumerate((0.9, 0.95, 1.0)):
        edited = inputs.copy()
        edited["fiscal_capacity"] = inputs["fiscal_capacity"] * factor
        alone = solve_case(edited, load_config("default"))
        assert float(sweep["objective_cost"][k]) == pytest.approx(
            alone.attrs["objective_cost"], rel=1e-6)
        assert float(sweep["objective_shortfall"][k]) == pytest.approx(
            alone.attrs["objective_shortfall"], rel=1e-6, abs=1e-3)


def test_capacity_by_tier_and_prefecture_and_beneficiaries_by_item_change_only_their_part():
    inputs = load_case(example_path("guizhou"))
    config = load_config("default")
    prefecture = str(inputs["unit"].values[inputs["unit_level"].values == "prefecture"][0])
    changed, _ = sc.apply_scenario(inputs, config, {f"capacity:{prefecture}": sc.Value(0.5, True)})
    mine = (inputs["unit"] == prefecture) | (inputs["unit_parent"] == prefecture)
    ratio = changed["fiscal_capacity"] / inputs["fiscal_capacity"]
    np.testing.assert_allclose(ratio.where(mine, drop=True), 0.5)
    np.testing.assert_allclose(ratio.where(~mine, drop=True), 1.0)
    changed, _ = sc.apply_scenario(inputs, config, {"capacity:t3": sc.Value(0.8, True)})
    ratio = changed["fiscal_capacity"] / inputs["fiscal_capacity"]
    np.testing.assert_allclose(ratio.where(inputs["unit_tier"] == 3, drop=True), 0.8)
    np.testing.assert_allclose(ratio.where(inputs["unit_tier"] != 3, drop=True), 1.0)
    item = str(inputs["item"].values[0])
    changed, _ = sc.apply_scenario(inputs, config, {f"beneficiaries:{item}": sc.Value(1.1, True)})
    np.testing.assert_allclose(changed["beneficiaries"].sel(item=item),
                               inputs["beneficiaries"].sel(item=item) * 1.1)
    others = [i for i in inputs["item"].values if i != item]
    np.testing.assert_array_equal(changed["beneficiaries"].sel(item=others),
                                  inputs["beneficiaries"].sel(item=others))


def test_an_all_infeasible_sweep_is_recorded_with_its_diagnosis(tmp_path):
    case = tmp_path / "case"
    write_case(generate(12, 4, 2, 5, budget_factor=1.0), case)
    out = tmp_path / "s"
    outcome = run_sweep(case, "default", out, vary=["budget=x0.1,x0.2"], serial=True)
    assert outcome.counts["failed"] == 2 and outcome.counts["done"] == 0
    sweep = _sweep(out)
    assert list(sweep["status"].values) == ["infeasible", "infeasible"]
    extra = sweep["extra_money_needed"].values
    assert np.all(extra > 0) and extra[0] > extra[1]
    assert (out / "sweep.xlsx").exists() and (out / "plots" / "line_budget.png").exists()


def _exit_code(args, capsys, lang: str = "en") -> tuple[int, str]:
    """Exit code and stderr of a command, asked in ``lang`` (English: the wording checked)."""
    with pytest.raises(SystemExit) as ended:
        main(args if "--lang" in args else [*args, "--lang", lang])
    return ended.value.code, capsys.readouterr().err


def test_odd_sweep_requests_are_refused_before_anything_runs(tmp_path, capsys):
    out = str(tmp_path / "s")
    code, err = _exit_code(["sweep", "--vary", "eta=1", "--vary", "eta=2", "--serial", "--out",
                            out], capsys)
    assert code == 2 and "given twice" in err and "eta=1,2" in err
    code, err = _exit_code(["sweep", "--vary", "eta=", "--serial", "--out", out], capsys)
    assert code == 2 and "no values" in err
    code, err = _exit_code(["sweep", "--serial", "--out", out], capsys)
    assert code == 2 and "nothing to sweep" in err
    listed = tmp_path / "list.yaml"
    listed.write_text("- eta: 1\n- eta: 2\n", encoding="utf-8")
    code, err = _exit_code(["sweep", "--file", str(listed), "--serial", "--out", out], capsys)
    assert code == 2 and "list.yaml" in err and "mapping" in err
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("42\n", encoding="utf-8")
    code, err = _exit_code(["sweep", "--file", str(scalar), "--serial", "--out", out], capsys)
    assert code == 2 and "scalar.yaml" in err
    assert not Path(out).exists()


def test_resume_refuses_a_case_that_changed(tmp_path, capsys):
    case = tmp_path / "case"
    write_case(generate(12, 3, 2, 2), case)
    out = tmp_path / "s"
    run_sweep(case, "default", out, vary=["eta=0,1"], serial=True)
    (out / "manifest.json").unlink()
    for record in (out / "records").glob("s00001.*"):
        record.unlink()
    write_case(generate(12, 3, 2, 9), case)  # another case at the same path
    code, err = _exit_code(["sweep", "--resume", str(out)], capsys)
    assert code == 2 and "changed" in err
    assert not (out / "records" / "s00001.json").exists()


def test_sweep_out_may_not_be_the_case_or_hold_the_current_directory(tmp_path, capsys,
                                                                     monkeypatch):
    case = tmp_path / "case"
    write_case(generate(12, 3, 2, 2), case)
    before = sorted(p.name for p in case.iterdir())
    code, err = _exit_code(["sweep", str(case), "--vary", "eta=0,1", "--serial", "--out",
                            str(case), "--force"], capsys)
    assert code == 2 and sorted(p.name for p in case.iterdir()) == before
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    code, err = _exit_code(["sweep", str(case), "--vary", "eta=0,1", "--serial", "--out", ".",
                            "--force"], capsys)
    assert code == 2 and (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_verify_audits_a_sweep_folder_and_catches_edits(tmp_path, capsys):
    case = tmp_path / "case"
    write_case(generate(12, 3, 2, 2), case)
    out = tmp_path / "s"
    run_sweep(case, "default", out, vary=["eta=0,1", "budget=x1.0,x1.1"], serial=True)
    with pytest.raises(SystemExit) as ended:
        main(["verify", str(out)])
    assert ended.value.code == 0
    assert label("verify_ok_sweep", "zh").format(run=out) in capsys.readouterr().out
    record = out / "records" / "s00002.json"
    content = json.loads(record.read_text(encoding="utf-8"))
    content["figures"]["data_vars"]["objective_cost"]["data"] = 1.0
    record.write_text(json.dumps(content), encoding="utf-8")
    (out / "plots" / "extra.png").write_bytes(b"x")
    code, err = _exit_code(["verify", str(out), "--lang", "en"], capsys)
    assert code == 1
    assert "records/s00002.json: altered" in err and "plots/extra.png" in err
    assert "differs from its record" in err
    code, err = _exit_code(["verify", str(out)], capsys, lang="zh")  # the same, in Chinese
    assert code == 1
    assert "records/s00002.json：已被改动" in err and "plots/extra.png：不是本次情景分析写出的文件" in err


def test_prices_of_standards_and_capacity_match_re_solves(tmp_path):
    """The dearest item's price and the most valuable unit's capacity value, from the duals,
    equal the change of z2 when the standard or the capacity is moved a little and re-solved."""
    from openpyxl import load_workbook

    from fiscalshare.analysis import prices

    case = example_path("guizhou")
    inputs = load_case(case)
    config = load_config("default")
    results = solve_case(inputs, config)
    assert results.attrs["objective_shortfall"] == 0 and prices.available(results)
    z2 = results.attrs["objective_cost"]
    items = prices.standard_prices(results)
    assert np.all(np.diff(items["province_per_yuan"].to_numpy()) <= 0)
    item = items["item"][0]
    edited = inputs.copy()
    edited["unit_cost"] = inputs["unit_cost"].where(inputs["item"] != item,
                                                    inputs["unit_cost"] * 1.001)
    rise = solve_case(edited, config).attrs["objective_cost"] - z2
    assert rise == pytest.approx(0.1 * items["z2_for_one_percent"][0], rel=1e-4)
    standard = float(results["standard_cost"].sel(item=item).sum())
    assert rise / (0.001 * standard) == pytest.approx(items["province_per_yuan"][0], rel=1e-4)

    units = prices.capacity_prices(results)
    unit = units["unit"][0]
    year = int(results["year"].values[int(np.argmax(
        results["capacity_value"].sel(unit=unit).values))])
    value = float(results["capacity_value"].sel(unit=unit, year=year))
    assert value > 0
    edited = inputs.copy()
    more = xr.zeros_like(inputs["fiscal_capacity"])
    more.loc[{"unit": unit, "year": year}] = 10_000.0
    edited["fiscal_capacity"] = inputs["fiscal_capacity"] + more
    saved = z2 - solve_case(edited, config).attrs["objective_cost"]
    assert saved == pytest.approx(value * 10_000.0, rel=1e-4)

    out = tmp_path / "s"
    run_sweep(case, "default", out, prices=True, serial=True, lang="en")
    book = load_workbook(out / "sweep.xlsx", read_only=True)
    assert {"Price of standards", "Value of capacity"} <= set(book.sheetnames)
    assert (out / "plots" / "prices.png").exists()


def test_plots_show_every_scenario_infeasible_marked_and_the_baseline(tmp_path, monkeypatch):
    """A budget sweep whose lowest value is infeasible: the line plot draws it as a red cross
    labelled with its least extra budget (万元), and the baseline as a dashed line."""
    from matplotlib.figure import Figure

    drawn = []
    original = Figure.savefig

    def keep(self, *args, **kwargs):
        drawn.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    case = tmp_path / "case"
    write_case(generate(12, 4, 2, 5, budget_factor=1.0), case)
    out = tmp_path / "s"
    run_sweep(case, "default", out, vary=["budget=x0.2,x1.0,x1.2"], serial=True, lang="en")
    sweep = _sweep(out)
    assert list(sweep["status"].values) == ["infeasible", "optimal", "optimal"]
    extra = float(sweep["extra_money_needed"][0]) / 1e4
    figure = next(f for f in drawn if "budget" in f.axes[0].get_title())
    ax = figure.axes[0]
    crosses = [c for c in ax.collections if len(c.get_offsets()) == 1]
    assert len(crosses) == 1 and crosses[0].get_offsets()[0][0] == 0  # at x0.2, the first tick
    assert f"+{extra:,.0f}" in [t.get_text() for t in ax.texts]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "baseline" in legend and any("infeasible" in t for t in legend)
    assert "10k yuan" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x0.2", "x1", "x1.2"]


def test_the_tornado_ranks_shares_standards_and_budget_in_the_runs_language(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "s"
    outcome = run_sweep(example_path("guizhou"), "default", out, tornado=True, serial=True)
    inputs = load_case(example_path("guizhou"))
    tiers = inputs.sizes["tier"]
    assert outcome.total >= 2 * (tiers + 1)
    book = load_workbook(out / "sweep.xlsx", read_only=True)
    assert "敏感性" in book.sheetnames  # the wide scenario table may print over several sheets
    assert any(name.startswith("情景") for name in book.sheetnames)
    rows = list(book["敏感性"].iter_rows(values_only=True))
    header = next(k for k, r in enumerate(rows) if r[0] == "变动项")  # under the title block
    rows = [r for r in rows[header:] if r[0] is not None]
    labels = [r[0] for r in rows[1:]]
    assert "省级预算" in labels and any(str(x).startswith("第") for x in labels)
    widths = [abs(r[4] - r[3]) if None not in (r[3], r[4]) else float("inf")
              for r in rows[1:]]  # an infeasible move ranks first
    assert widths == sorted(widths, reverse=True)
    assert (out / "plots" / "tornado.png").exists()


def test_the_console_states_what_a_key_means(capsys, tmp_path):
    with pytest.raises(SystemExit) as ended:
        main(["sweep", "--vary", "province_share:t3=0.7,0.8", "--serial", "--out",
              str(tmp_path / "s")])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert "每个取值将其固定" in out and "共 2 个情景：2 个已求解" in out
