"""One voice (issue 11, Deliver 7): every Chinese output holds no English word outside codes,
units, proper names and the few literal tokens a reader types (configuration keys, file names);
every English output holds no Chinese outside names taken from the data.

Checked on the workbooks of a run with counties and a shortfall and of the packaged Guizhou run,
on the console summary, and on an infeasible run's printed diagnosis and diagnosis.xlsx.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
import xarray as xr
from tests.factories import tables, unmeetable_hard_item
from tests.test_report import two_prefectures

from fiscalshare.config import load_config
from fiscalshare.examples import example_path
from fiscalshare.io import load_case
from fiscalshare.io.writer import write_case
from fiscalshare.report import write_reports
from fiscalshare.report.console import summary_lines
from fiscalshare.report.diagnosis import render_diagnosis
from fiscalshare.report.labels import LABELS, label
from fiscalshare.report.tables import carry_item_details
from fiscalshare.solve import solve_case
from fiscalshare.sweep.results import coordinate_name
from fiscalshare.workflows import SolveRequest, run_solve

# literal tokens a Chinese reader may meet: symbols of the model, file names, software names,
# configuration keys and values to be typed as they are
TOKENS = {"z1", "z2", "SHA", "UTC", "allocation", "nc", "diagnosis", "xlsx", "fiscalshare",
          "pyomo", "highs", "python", "equalisation", "on", "ratio_mode", "optimise", "binding",
          "soft", "compare", "sha256", "fixed", "menu", "off", "sweep", "resume"}
WORD = re.compile(r"[A-Za-z][A-Za-z_0-9]*")
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")


def data_strings(results) -> list[str]:
    """Names, codes, units and the case's own texts: what the data says, in its own words."""
    strings = set()
    for name in ("region", "region_name", "unit", "unit_name", "item", "item_name", "item_unit",
                 "indicator", "indicator_name", "indicator_unit", "indicator_item",
                 "item_target_group", "item_content",
                 "item_lead_department"):
        if name in results:
            strings |= {str(v) for v in results[name].values}
    for key in ("case", "province", "input_sha256", "created_utc", "compiler",
                "fiscalshare_version", "pyomo_version", "highs_version", "python_version"):
        if results.attrs.get(key):
            strings.add(str(results.attrs[key]))
    return sorted((s for s in strings if s), key=len, reverse=True)


def foreign(text: str, lang: str, known: list[str]) -> list[str]:
    for value in known:  # a Latin code (A, H) is a whole word, never part of one (SHA)
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])", " ", text) \
            if value.isascii() else text.replace(value, " ")
    if lang == "zh":
        return [w for w in WORD.findall(text) if w not in TOKENS]
    return CJK.findall(text)


def workbook_texts(path, quoted: list[str] | None = None) -> list[str]:
    """Every text of the workbook; the rows of the 说明 block headed as quoted from the input
    workbook (``about_source``) go to ``quoted`` instead (the caller checks they are verbatim)."""
    book = openpyxl.load_workbook(path)
    headings = {label("about_source", lang) for lang in ("zh", "en")}
    texts = []
    for ws in book.worksheets:
        texts.append(ws.title)
        texts += [ws.oddHeader.center.text or "", ws.oddFooter.left.text or "",
                  ws.oddFooter.center.text or "", ws.firstHeader.center.text or "",
                  ws.firstFooter.left.text or "", ws.firstFooter.center.text or ""]
        in_quote = False
        for row in ws.iter_rows(values_only=True):
            first = row[0] if row else None
            in_quote = first in headings or (in_quote and not first)
            if in_quote and quoted is not None and len(row) > 1 and isinstance(row[1], str):
                texts += [v for v in (row[0], *row[2:]) if isinstance(v, str)]
                quoted.append(row[1])
                continue
            texts += [v for v in row if isinstance(v, str)]
    return texts


def assert_quoted_verbatim(quoted: list[str], results) -> None:
    """Quoted notes are the input's own text, unchanged, in order, and all of it."""
    source = str(results.attrs.get("source", ""))
    assert "".join(quoted).replace(" ", "") == source.replace(" ", "")


@pytest.fixture
def drawn(monkeypatch):
    """file name -> every text drawn on the figure saved there (titles, axis and tick labels,
    legends, annotations), read from the figure once it has been drawn.  The run's plots are
    drawn into memory (``plots.draw_plots`` returns them by file name, in the order saved)."""
    from io import BytesIO

    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from fiscalshare.report import plots

    texts: dict[str, list[str]] = {}
    in_memory: list[list[str]] = []
    draw, save = plots.draw_plots, Figure.savefig

    def saving(figure, fname, *args, **kwargs):
        done = save(figure, fname, *args, **kwargs)
        shown = [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]
        if isinstance(fname, BytesIO):
            in_memory.append(shown)
        else:
            texts[Path(str(fname)).name] = shown
        return done

    def drawing(*args, **kwargs):
        in_memory.clear()
        images = draw(*args, **kwargs)
        texts.update(zip(images, in_memory, strict=True))
        return images

    monkeypatch.setattr(Figure, "savefig", saving)
    monkeypatch.setattr(plots, "draw_plots", drawing)
    return texts


def check_plots(written, drawn, lang, known) -> None:
    plots = [p for p in written if p.suffix == ".png"]
    assert plots and {p.name for p in plots} <= set(drawn)
    for path in plots:
        assert drawn[path.name], path.name
        for text in drawn[path.name]:
            assert not foreign(text.replace("\\$", "$"), lang, known), (path.name, text)


@pytest.fixture(scope="module")
def solved():
    return {"small": carry_item_details(two_prefectures(),
                                        solve_case(two_prefectures(), load_config("default"))),
            "guizhou": solve_case(load_case(example_path("guizhou")), load_config("default"))}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["small", "guizhou"])
def test_every_workbook_and_plot_is_in_one_language(solved, tmp_path, drawn, name, lang):
    results = solved[name]
    known = data_strings(results)
    written = write_reports(results, tmp_path, lang=lang, workers=1)  # plots drawn here
    check_plots(written, drawn, lang, known)
    books = [p for p in written if p.suffix == ".xlsx"]
    assert len(books) >= 3
    for path in books:
        quoted = []
        for text in workbook_texts(path, quoted):
            text = text.replace("&P", " ").replace("&N", " ")
            text = re.sub(r'&"[^"]*"|&\d+', " ", text)  # header/footer font codes
            assert not foreign(text, lang, known), (path.name, text)
        if path.name == "responsibility.xlsx":  # the province's 说明 quotes the notes
            assert_quoted_verbatim(quoted, results)
        else:
            assert not quoted, path.name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_console_summary_is_in_one_language(solved, lang):
    for results in solved.values():
        known = data_strings(results)
        for line in summary_lines(results, lang):
            assert not foreign(line, lang, known), line


def test_the_catalogue_is_chinese_on_the_chinese_side():
    for key, (zh, _) in LABELS.items():
        assert not foreign(re.sub(r"\{[^}]*\}", " ", zh), "zh", []), key  # placeholders aside


def _infeasible(path):
    """Local part 1 000 yuan against a capacity of 100; budget 100: 800 more would do it."""
    write_case(unmeetable_hard_item(), path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_infeasible_run_is_diagnosed_in_its_language(tmp_path, lang):
    case = _infeasible(tmp_path / "case.xlsx")
    outcome = run_solve(SolveRequest(case=case, out=tmp_path / "out", lang=lang))
    assert outcome.exit_code == 3
    known = ["甲市", "A", "X", "公共卫生", "test", "测试省"]
    text = render_diagnosis(outcome.diagnosis, lang, dict(load_config("default")))
    assert not foreign(text, lang, known), text
    assert ("万元" if lang == "zh" else "10,000 yuan") in text
    for cell in workbook_texts(tmp_path / "out" / "diagnosis.xlsx"):
        cell = re.sub(r'&"[^"]*"|&\d+|&P|&N', " ", cell)
        assert not foreign(cell, lang, known), cell
    assert json.loads((tmp_path / "out" / "diagnosis.json").read_text())["money_helps"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_sweep_workbook_and_its_plots_are_in_one_language(tmp_path, drawn, lang):
    """Two keys on a grid (line plots), the tornado and the prices: every sheet and plot. The
    keys and values as typed on the command line and the scenario ids are literal tokens."""
    from tests.test_sweep import BUDGET_CASE

    from fiscalshare.sweep import run_sweep

    write_case(tables(**BUDGET_CASE), tmp_path / "case")
    vary = ["budget=x0.5,x1.0", "capacity=x0.9,x1.0"]
    run_sweep(tmp_path / "case", "default", tmp_path / "sweep", vary=vary, serial=True,
              tornado=True, prices=True, lang=lang)
    sweep = xr.open_dataset(tmp_path / "sweep" / "sweep.nc")
    typed = {"default", *sweep["scenario"].values.astype(str),
             *sweep["scenario_name"].values.astype(str)}
    for key in json.loads(sweep.attrs["keys"]):
        typed |= {key, *sweep[coordinate_name(key)].values.astype(str)}
    sweep.close()
    known = sorted({*data_strings(load_case(tmp_path / "case")), *typed}, key=len, reverse=True)
    for text in workbook_texts(tmp_path / "sweep" / "sweep.xlsx"):
        text = re.sub(r'&"[^"]*"|&\d+|&P|&N', " ", text)
        assert not foreign(text, lang, known), text
    plots = sorted((tmp_path / "sweep" / "plots").glob("*.png"))
    assert {p.name for p in plots} >= {"line_budget.png", "line_capacity.png", "tornado.png",
                                       "prices.png"}
    check_plots(plots, drawn, lang, known)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_under_solve_is_reported_in_its_language(tmp_path, capsys, lang):
    """`fiscalshare solve` on a bad workbook: every problem in Chinese by default, exactly the
    English message ids with --lang en; nothing written."""
    from pathlib import Path

    from fiscalshare.cli import main

    case = Path(__file__).parent / "data" / "bad" / "date_for_year.xlsx"
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as ended:
        main(["solve", str(case), "--out", str(out), *(["--lang", "en"] if lang == "en" else [])])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and not out.exists()
    if lang == "zh":
        assert err.splitlines()[0] == "错误：输入有 2 处问题："
        assert "standards!B2：列 'year'：应为介于 meta 中 first_year 与 last_year 之间的年份，" \
               "实际为日期 2021-01-01" in err
    else:
        assert err.splitlines()[0] == "Error: 2 problems in the input:"
        assert "standards!B2: column 'year': expected a year within meta's first_year..last_year, " \
               "found a date 2021-01-01" in err
    # the place and the quoted names stay as the workbook has them; the rest is one language
    text = re.sub(r"'[^']*'|\b(?:meta|first_year|last_year|standards)\b|!B2", " ", err)
    assert not foreign(text, lang, []), foreign(text, lang, [])
