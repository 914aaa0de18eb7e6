"""``compare``: side-by-side tables, the workbook, the folder, and the command end to end.

The tables are checked on the three-region case of test_baseline.py, comparing two baselines
whose figures are worked out there: pool 1000 (θ = 1/2: transfers 1000, 2500, 3500, provincial
money 7000, shortfall 500 in B and C) against no pool (θ = 1: transfers 1000, 3000, 4000,
money 8000, no shortfall).
"""

import json
import math
import re

import openpyxl
import pytest
import xarray as xr
from tests.factories import case
from tests.sheets import fen, only_table, tables_of
from tests.test_baseline import three_regions

from fiscalshare.analysis.baseline import baseline_allocation
from fiscalshare.analysis.compare import CompareResult
from fiscalshare.report.labels import label
from fiscalshare.report.story import headline_parts
from fiscalshare.runs.folder import RunExistsError
from fiscalshare.workflows import write_compare


def pair(equal_weight_cost=7500.0) -> CompareResult:
    status_quo = baseline_allocation(three_regions(pool=1000.0), {})
    other = baseline_allocation(three_regions(), {})
    return CompareResult(other, status_quo, equal_weight_cost, {"eta": 1.0})


def test_tables_set_both_allocations_side_by_side():
    result = pair()
    money = result.tables["provincial_money"].set_index("year")
    assert money.loc[2021, "baseline_total"] == pytest.approx(7000.0)
    assert money.loc[2021, "baseline_equalisation"] == pytest.approx(1000.0)
    assert money.loc[2021, "optimised_total"] == pytest.approx(8000.0)
    assert money.loc["total", "difference"] == pytest.approx(1000.0)

    transfers = result.tables["transfers"].set_index("unit")
    assert transfers["baseline_total"].tolist() == pytest.approx([1000.0, 2500.0, 3500.0])
    assert transfers["optimised_total"].tolist() == pytest.approx([1000.0, 3000.0, 4000.0])
    assert transfers["baseline_co_financing"].tolist() == pytest.approx([1000.0, 2000.0, 3000.0])

    by_item = result.tables["shortfall_by_item"].set_index("item")
    assert by_item.loc["X", "baseline"] == pytest.approx(1000.0)
    assert by_item.loc["X", "optimised"] == 0.0
    by_tier = result.tables["shortfall_by_tier"].set_index("tier")
    assert by_tier["baseline"].tolist() == pytest.approx([0.0, 500.0, 500.0])
    assert by_tier["standard_cost"].tolist() == pytest.approx([10000.0] * 3)

    overview = result.tables["overview"].set_index("figure")
    assert overview.loc["price_of_equity", "optimised"] == pytest.approx(500.0)  # 8000 − 7500
    assert overview.loc["shortfall", "difference"] == pytest.approx(-1000.0)
    assert result.price_of_equity == pytest.approx(500.0)


def test_equity_table_holds_the_metrics_of_both():
    """After transfers the no-pool allocation funds everyone in full: 100 yuan per head, Gini 0.

    With pool 1000 the funding after transfers is 10000, 9500, 9500 per 100 people:
    x = [100, 95, 95], μ = 290/3; the ordered pairs differ by 5 four times, so
    Gini = 20 / (2 · 3² · 290/3) = 1/87.
    """
    equity = pair().tables["equity"].set_index("metric")
    assert equity.loc["gini", "optimised_after"] == 0.0
    assert equity.loc["gini", "baseline_after"] == pytest.approx(1 / 87)
    assert equity.loc["per_capita_min", "baseline_after"] == pytest.approx(95.0)
    assert equity.loc["gini", "difference_after"] == pytest.approx(-1 / 87)


def test_workbook_money_in_wan_yuan_and_text_never_a_formula(tmp_path):
    inputs = case(
        regions=[{"code": "A", "name": "=HYPERLINK(\"http://x\")", "parent": "", "tier": 1,
                  "population": 10.0}],
        items=[{"code": "X", "name": "@SUM(1)", "domain": "病有所医", "rule": "local",
                "binding": "soft"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 12345.678, "central_share": 0.0}],
        beneficiaries=[{"region": "A", "item": "X", "year": 2021, "units": 1.0}],
        capacity=[{"region": "A", "year": 2021, "fiscal_capacity": 0.0}],
        sharing=[{"tier": 1, "item": "X", "province_min": 0.0, "province_max": 1.0,
                  "province_share": 0.5, "prefecture_share": 0.0}],
    )
    results = baseline_allocation(inputs, {})
    folder = write_compare(CompareResult(results, results, 0.0, {}), tmp_path / "cmp", lang="en")
    book = openpyxl.load_workbook(folder / "compare.xlsx")
    assert book.sheetnames == ["Overview", "Provincial money", "Shortfall by item",
                               "Shortfall by tier", "Equity", "Transfers",
                               "Shortfall by flag", "Money by tier"]
    sheet = book["Transfers"]
    transfers = only_table(sheet, "Total")
    row = transfers.body[0]
    name = row[transfers.column("Unit")]
    assert name.value == "=HYPERLINK(\"http://x\")"
    assert name.data_type == "s" and name.quotePrefix
    items = only_table(book["Shortfall by item"], "Total")
    assert items.body[0][items.column("Item")].data_type == "s"
    # co-financing P = 0.5 · 12345.678 yuan = 0.6172839 万元, written with two decimals; the
    # gap of the same amount is closed by equalisation (no pool: θ = 1), total 1.2345678 万元
    co = row[transfers.column("Optimised: co-financing")]
    assert co.value == pytest.approx(0.62)
    assert co.number_format == "#,##0.00"
    assert row[transfers.column("Optimised: total")].value == pytest.approx(1.23)
    assert sheet.freeze_panes == f"A{transfers.header_row + 1}"
    # every difference column is money as its neighbours are, and adds up in the total row
    for title in ("Transfers", "Shortfall by item", "Shortfall by tier", "Provincial money",
                  "Shortfall by flag", "Money by tier"):
        for table in tables_of(book[title], "Total"):
            k = next(c for c, name in enumerate(table.header) if name.startswith("Difference"))
            for body_row in table.body:
                assert body_row[k].number_format == "#,##0.00", (title, body_row[k].value)
            if table.total is not None:
                assert table.total[k].value == pytest.approx(
                    sum(r[k].value for r in table.body), abs=1e-9), title
    # people and regions with thousands separators; years without
    assert {r[transfers.column("Population")].number_format for r in transfers.body} == {"#,##0"}
    # a prefecture's population holds its counties': no total of it that would count them twice
    assert transfers.total[transfers.column("Population")].value is None
    money_by_year = only_table(book["Provincial money"], "Total")
    assert money_by_year.formats(money_by_year.column("Year")) == {"0"}
    assert sorted(p.name for p in (folder / "plots").iterdir()) == [
        "compare.png", "per_capita_funding.png", "shortfall_by_item.png", "transfers.png"]
    with xr.open_dataset(folder / "baseline.nc", engine="h5netcdf") as reread:
        assert float(reread["transfer"].sum()) == pytest.approx(12345.678)
        assert str(reread["region_name"].values[0]) == "=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tier_plot_draws_what_the_workbook_shows(tmp_path, lang):
    """The pair: shortfall by tier 0, 500, 500 yuan under the status quo (pool 1000) and none
    under the other; money reaching tiers 1–3 is 1000, 2500, 3500 against 1000, 3000, 4000."""
    from fiscalshare.report.compare import _tier_figure, by_tier

    result = pair()
    table = by_tier(result, lang).set_index("tier")
    tiers = [label("tier_label", lang).format(t) for t in (1, 2, 3)]
    assert list(table.index) == [*tiers, label("cmp_tier_prefecture", lang)]
    assert table.loc[tiers, "shortfall_baseline"].tolist() == [0.0, 0.05, 0.05]  # 万元
    assert table.loc[tiers, "shortfall_optimised"].tolist() == [0.0, 0.0, 0.0]
    assert table["money_baseline"].tolist() == [0.1, 0.25, 0.35, 0.0]
    assert table["money_optimised"].tolist() == [0.1, 0.3, 0.4, 0.0]

    folder = write_compare(result, tmp_path / "cmp", lang=lang)
    assert (folder / "plots" / "compare.png").stat().st_size > 10_000
    assert "plots/compare.png" in json.loads((folder / "manifest.json").read_text())["files"]
    book = openpyxl.load_workbook(folder / "compare.xlsx")
    total = label("total", lang)
    shortfall = only_table(book[label("cmp_sheet_shortfall_by_tier", lang)], total)
    money = only_table(book[label("cmp_sheet_transfer_by_tier", lang)], total)
    drawn = _tier_figure(result, lang)
    left, right = drawn.axes
    for axes, sheet, columns in ((left, shortfall, ("cmp_baseline", "cmp_optimised")),
                                 (right, money, ("cmp_baseline_total", "cmp_optimised_total"))):
        # the prefectures above counties get nothing here, so the right panel has tiers only
        assert [t.get_text().split("\n")[0] for t in axes.get_xticklabels()] == tiers
        legends = ("cmp_plot_baseline", "cmp_plot_optimised")
        for bars, column, legend in zip(axes.containers, columns, legends, strict=True):
            k = sheet.column(label(column, lang))
            shown = [r[k] for r in sheet.values() if r[0] in tiers]
            assert [b.get_height() for b in bars] == shown  # the very figures of the sheet
            assert bars.get_label() == label(legend, lang)
    title = drawn.texts[0].get_text().replace("\n", " " if lang == "en" else "")
    assert title == "".join(headline_parts(result.story, lang))
    assert ("0.70" in title and "0.80" in title) and ("0.10" in title and "0.00" in title)
    assert left.get_title() == label("cmp_plot_shortfall_by_tier", lang)
    texts = [drawn.texts[0].get_text()] + [
        t.get_text() for axes in drawn.axes for t in (
            *axes.get_xticklabels(), axes.title, axes.yaxis.label, *axes.get_legend().get_texts(),
            *axes.texts)]
    foreign = r"[A-Za-z]" if lang == "zh" else r"[\u4e00-\u9fff\uff08\uff09\uff0c]"
    assert not [t for t in texts if re.search(foreign, t)]  # one language throughout


@pytest.mark.parametrize("most", [3, 2])
def test_the_transfer_plot_keeps_to_the_units_whose_money_moves_most(monkeypatch, most):
    """Transfers 1000, 2500, 3500 against 1000, 3000, 4000: with room for two units the plot
    keeps B and C (moved 500 each), in the table's order, and says so in its title."""
    import fiscalshare.report.compare as report_compare

    monkeypatch.setattr(report_compare, "MOST_UNITS_DRAWN", most)
    result = pair()
    (axes,) = report_compare._transfers_figure(result, "zh").axes
    names = [t.get_text() for t in axes.get_yticklabels()]
    units = result.tables["transfers"]
    if most >= len(units):
        assert names == list(units["unit_name"])
        assert axes.get_title() == label("cmp_plot_transfers_title", "zh")
    else:
        assert names == list(units["unit_name"][1:])
        assert [b.get_width() for b in axes.containers[1]] == [0.3, 0.4]  # optimised, 万元
        assert axes.get_title() == label("cmp_plot_transfers_title_most", "zh").format(2)


def test_folder_is_refused_without_force_and_replaced_with_it(tmp_path):
    out = tmp_path / "cmp"
    write_compare(pair(), out)
    with pytest.raises(RunExistsError):
        write_compare(pair(), out)
    write_compare(pair(8000.0), out, force=True)
    book = openpyxl.load_workbook(out / "compare.xlsx")
    overview = dict((r[0], r[2]) for r in only_table(book["概要"], "合计").values())
    assert overview["公平的代价（z2(η) − z2(0)）"] == 0.0  # 8000 − 8000, after the forced rewrite
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_non_finite_metrics_are_written_as_blank_or_text(tmp_path):
    """Region A with zero capacity that bears a burden: burden ratio ∞ before transfers."""
    result = pair()
    status_quo = result.baseline.copy()
    status_quo["fiscal_capacity"] = status_quo["fiscal_capacity"] * 0.0
    bad = CompareResult(result.optimised, status_quo, 7500.0, {})
    assert math.isinf(bad.tables["equity"].set_index("metric").loc["burden_ratio_max",
                                                                    "baseline_before"])
    folder = write_compare(bad, tmp_path / "cmp", lang="en")
    sheet = openpyxl.load_workbook(folder / "compare.xlsx")["Equity"]
    from fiscalshare.analysis.equity import METRIC_LABELS

    name = METRIC_LABELS["burden_ratio_max"][1]
    row = [r for r in only_table(sheet, "Total").values() if r[0] == name][0]
    assert row[1] == "∞"
    # every number of the sheet to four decimals, so that the points align down a column
    formats = {c.number_format for r in sheet.iter_rows() for c in r
               if isinstance(c.value, int | float) and not isinstance(c.value, bool)}
    assert formats == {"#,##0.0000"}


# --- end to end, with the solver ------------------------------------------------------------


def optimise_config(**overrides):
    config = pytest.importorskip("fiscalshare.config")
    return config.load_config(
        "default", {"ratio_mode": "optimise", "equalisation": "on", "eta": 1.0, **overrides}
    )


def test_compare_case_solves_and_prices_equity():
    """Three-region case, no pool or budget, σ optimised in [0, 1] with priority σ₁ ≤ σ₂ ≤ σ₃.

    Every standard can be met (z1 = 0), and each region needs D − Cap from the province at
    least: A 5000 − 5000 = 0, B 5000 − 2000 = 3000, C 5000 − 1000 = 4000, so z2 = 7000,
    against 8000 in the baseline (co-financing 6000 by the fixed table plus gaps 2000).  With
    z1 = 0 the shortfall weights do not matter: the price of equity is 0.
    """
    pytest.importorskip("fiscalshare.solve")
    from fiscalshare.analysis.compare import compare_case

    result = compare_case(three_regions(), optimise_config())
    assert result.optimised.attrs["objective_cost"] == pytest.approx(7000.0, rel=1e-6)
    assert result.baseline.attrs["objective_cost"] == pytest.approx(8000.0)
    assert result.price_of_equity == pytest.approx(0.0, abs=1e-3)
    money = result.tables["provincial_money"].set_index("year")
    assert money.loc["total", "difference"] == pytest.approx(-1000.0, rel=1e-6)
    assert float(result.optimised["shortfall"].sum()) == pytest.approx(0.0, abs=1e-3)


def test_compare_with_a_pool_meets_what_the_baseline_leaves_short():
    """Pool 1000: the baseline spends 7000 and leaves 1000 short; the optimum spends the same
    7000 (raising σ for B and C instead of paying equalisation) and meets every standard."""
    pytest.importorskip("fiscalshare.solve")
    from fiscalshare.analysis.compare import compare_case

    result = compare_case(three_regions(pool=1000.0), optimise_config(eta=0.0))
    assert result.optimised.attrs["objective_cost"] == pytest.approx(7000.0, rel=1e-6)
    assert result.baseline.attrs["objective_cost"] == pytest.approx(7000.0)
    by_item = result.tables["shortfall_by_item"].set_index("item")
    assert by_item.loc["X", "baseline"] == pytest.approx(1000.0)
    assert by_item.loc["X", "optimised"] == pytest.approx(0.0, abs=1e-3)
    assert result.equal_weight_cost == result.optimised.attrs["objective_cost"]  # η = 0: one solve


def write_csv_case(folder):
    """The three-region case (no pool) as a folder of CSV files (spec/inputs.md)."""
    import pandas as pd

    folder.mkdir()
    sheets = {
        "meta": [{"key": "case", "value": "three"}, {"key": "province", "value": "测试省"},
                 {"key": "central_tier", "value": 1}, {"key": "first_year", "value": 2021},
                 {"key": "last_year", "value": 2021}, {"key": "source", "value": "test"}],
        "regions": [{"code": c, "name": c, "parent": "", "tier": t, "population": 100}
                    for c, t in (("A", 1), ("B", 2), ("C", 3))],
        "items": [{"code": "X", "name": "项目", "domain": "病有所医", "unit": "元/人/年",
                   "rule": "ratio", "binding": "soft", "weight": 1}],
        "standards": [{"item": "X", "year": 2021, "unit_cost": 100, "topup": 1,
                       "central_share": 0.5}],
        "beneficiaries": [{"region": r, "item": "X", "year": 2021, "units": 100} for r in "ABC"],
        "capacity": [{"region": r, "year": 2021, "fiscal_capacity": cap}
                     for r, cap in (("A", 5000), ("B", 2000), ("C", 1000))],
        "sharing": [{"tier": t, "item": "X", "province_min": 0, "province_max": 1,
                     "province_share": s, "prefecture_share": 0}
                    for t, s in ((1, 0.2), (2, 0.4), (3, 0.6))],
    }
    for name, rows in sheets.items():
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    return folder


def test_command_writes_the_folder_and_refuses_to_overwrite(tmp_path):
    pytest.importorskip("fiscalshare.solve")
    pytest.importorskip("fiscalshare.io")
    from click.testing import CliRunner

    from fiscalshare.cli import cli

    case_dir = write_csv_case(tmp_path / "case")
    out = tmp_path / "cmp"
    runner = CliRunner()
    first = runner.invoke(cli, ["compare", str(case_dir), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "现行办法 0.80，优化方案 0.70" in first.output  # 万元, in Chinese by default
    english = runner.invoke(cli, ["compare", str(case_dir), "--out", str(tmp_path / "en"),
                                  "--lang", "en"])
    assert "status quo 0.80, optimised 0.70" in english.output
    book = openpyxl.load_workbook(tmp_path / "en" / "compare.xlsx")
    money = only_table(book["Provincial money"], "Total")
    for k, header in enumerate(money.header[1:], start=1):  # totals as shown, to the fen
        assert sum(fen(r[k]) for r in money.values()) == fen(money.total[k].value), header
    for r in money.values():
        assert fen(r[money.column("Optimised: total")]) - fen(
            r[money.column("Status quo: total")]) == fen(r[money.column(
                "Difference (optimised − status quo)")])
    assert (out / "compare.xlsx").is_file() and (out / "manifest.json").is_file()
    again = runner.invoke(cli, ["compare", str(case_dir), "--out", str(out)])
    assert again.exit_code != 0
    assert "exists" in str(again.exception or again.output)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_compare_sheet_names_the_compiler_and_the_run_date(tmp_path, lang):
    from fiscalshare.report.labels import label

    result = pair()
    for ds in (result.optimised, result.baseline):
        ds.attrs.update(compiler="测试省财政厅预算处", created_utc="2026-01-02T03:04:05+00:00")
    folder = write_compare(result, tmp_path / "cmp", lang=lang)
    for ws in openpyxl.load_workbook(folder / "compare.xlsx").worksheets:
        head = [str(v) for row in ws.iter_rows(max_row=4, values_only=True) for v in row if v]
        line = label("compiler", lang).format("测试省财政厅预算处")
        assert any(h.startswith(line) and "2026-01-02" in h for h in head), (ws.title, head)
        assert lang == "zh" or not any("\u3000" in h for h in head), head  # no CJK space in English


def test_verify_audits_a_compare_folder_and_finds_a_changed_figure(tmp_path):
    """A compare folder checks out; a figure changed in compare.xlsx with the manifest's hashes
    recomputed to match is still found (the workbook is rendered again from the allocations),
    and so is a status quo that is not the case's."""
    from click.testing import CliRunner

    from fiscalshare.cli import cli
    from fiscalshare.runs.audit import audit_run
    from fiscalshare.runs.folder import file_hashes

    out = tmp_path / "cmp"
    runner = CliRunner()
    assert runner.invoke(cli, ["compare", str(write_csv_case(tmp_path / "case")), "--out",
                               str(out)]).exit_code == 0
    checked = runner.invoke(cli, ["verify", str(out), "--lang", "en"])
    assert checked.exit_code == 0, checked.output
    assert "compare.xlsx check out" in checked.output

    def rehash():
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"] = file_hashes(out)
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    book = openpyxl.load_workbook(out / "compare.xlsx")
    sheet = book["省级资金"]
    money = only_table(sheet, "合计")
    cell = money.body[0][money.column("现行：合计")]
    cell.value = cell.value + 1.0
    book.save(out / "compare.xlsx")
    rehash()
    findings = audit_run(out)
    assert len(findings) == 1 and "compare.xlsx: sheet '省级资金' cell" in findings[0], findings

    with xr.open_dataset(out / "baseline.nc", engine="h5netcdf") as stored:
        changed = stored.load()
    changed["transfer"] = changed["transfer"] * 1.01
    changed.to_netcdf(out / "baseline.nc", engine="h5netcdf")
    rehash()
    assert "baseline.nc: 'transfer' is not the status quo the case gives" in audit_run(out)
