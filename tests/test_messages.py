"""Messages about bad input in one voice: every problem the bad-input corpus and the rejection
rules produce renders wholly in Chinese by default, and exactly as before in English.

The English message is the id; fiscalshare.messages renders it in Chinese.  A message no entry of
the catalogue matches fails here (it would print in English to a Chinese reader)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from fiscalshare import messages
from fiscalshare.cli import main
from fiscalshare.errors import InputError, Problem
from fiscalshare.io import load_case
from test_validation import CASES, sheet_frames, valid_tables, write_frames

DATA = Path(__file__).parent / "data"
SRC = Path(messages.__file__).parent
BAD = sorted(yaml.safe_load((DATA / "bad" / "expected.yaml").read_text(encoding="utf-8")))
ACCEPTED = sorted(yaml.safe_load((DATA / "accepted" / "expected.yaml").read_text(encoding="utf-8")))

# what may stay in Latin letters in a Chinese line: quoted values, sheet!cell places and the
# column prefix, file names, the schema's keys (snake_case and rule=… settings), units and
# option names; everything else is a word a Chinese reader should not meet
_KEPT = [
    r"'[^']*'", r'"[^"]*"',                       # quoted values, codes and names
    r"^\s*\S+?(?:!\w+)?：",                        # the place: sheet!cell
    r"[\w.-]*\.(?:csv|xlsx|xlsm|xltm|xls|yaml|json|nc|bin|xml)\b",  # file names, formats
    r"--[a-z-]+",                                  # options
    r"\b[a-z]+(?:_[a-z]+)+\b", r"\brule=\w+\b",    # schema keys, rule settings
    r"\b(?:meta|items|regions|standards|beneficiaries|capacity|sharing|budget|ratio_menu|"
    r"comparator|menu|on|off|hard|soft|ratio|uniform|central|local|Excel|WPS|UTF|GB18030|"
    r"OLE|CSV|YAML|zip|nan|inf|TRUE|FALSE)\b",
]


def english_words(line: str) -> list[str]:
    for pattern in _KEPT:
        line = re.sub(pattern, " ", line)
    return re.findall(r"[A-Za-z]{3,}", line)


# the names a finding about a run folder keeps as written: variables and dimensions of the
# results, the hash's name, formats and types
_RESULT_NAMES = r"\w*sha256|JSON|NaN|\b(?:list|dict|str|burden|transfer|region|item|year|tier|unit)\b"


def english_words_beside_names(line: str) -> list[str]:
    """:func:`english_words`, the results' own names (``_RESULT_NAMES``) also allowed."""
    return english_words(re.sub(_RESULT_NAMES, " ", line))


def corpus_problems(tmp_path) -> list[Problem]:
    """Every problem and warning the bad-input corpus, the forgiven corpus and the rejection
    rules of test_validation produce."""
    found: list[Problem] = []
    for name in BAD:
        with pytest.raises(InputError) as caught:
            load_case(DATA / "bad" / name)
        found += caught.value.problems
    for name in ACCEPTED:
        warnings: list = []
        load_case(DATA / "accepted" / name, warnings=warnings)
        found += warnings
    for name, (change, _) in sorted(CASES.items()):
        frames = sheet_frames(valid_tables())
        change(frames)
        with pytest.raises(InputError) as caught:
            load_case(write_frames(frames, tmp_path / re.sub(r"\W", "_", name)))
        found += caught.value.problems
    return found


def test_every_corpus_message_renders_wholly_in_chinese_and_as_raised_in_english(tmp_path):
    """Both renderings of one corpus (about 14 s to gather: once, not once per language)."""
    problems = corpus_problems(tmp_path)
    assert len(problems) >= 60
    missing = sorted({p.message for p in problems if messages.chinese(p.message) is None})
    assert not missing, "no catalogue entry for:\n" + "\n".join(missing)
    error = InputError(problems)
    rendered = error.render("zh")
    assert rendered.startswith(f"输入有 {len(problems)} 处问题：")
    leftover = {line: words for line in rendered.splitlines()
                if (words := english_words(line))}
    assert not leftover, "\n".join(f"{line}  ← {words}" for line, words in leftover.items())

    assert error.render("en") == error.render() == str(error)
    assert error.render("en") == "\n".join([f"{len(problems)} problems in the input:",
                                            *("  " + str(p) for p in problems)])
    assert all(messages.translate(p.message, "en") == p.message for p in problems)


def test_the_nested_descriptions_are_translated():
    assert messages.translate("expected a year within meta's first_year..last_year, found a "
                              "date 2021-01-01", "zh") == (
        "应为介于 meta 中 first_year 与 last_year 之间的年份，实际为日期 2021-01-01")
    assert messages.translate("expected a number ≥ 0, found nothing", "zh") == (
        "应为不小于 0 的数，实际为空白")
    assert messages.translate("expected 0 or 1, found an Excel error", "zh") == (
        "应为0 或 1，实际为Excel 错误值")
    problem = Problem("standards", "no standard for item 'X' in year(s) 2021", cell="B2",
                      column="year")
    assert problem.render("zh") == "standards!B2：列 'year'：项目 'X' 在 2021 年没有标准"


def test_an_unknown_message_is_not_silently_translated():
    assert messages.chinese("something the catalogue has never seen") is None
    assert messages.translate("something the catalogue has never seen", "zh") == (
        "something the catalogue has never seen")
    # a nested part the catalogue lacks makes the whole message unknown, not half translated
    assert messages.chinese("expected a number ≥ 0, found a mystery") is None


# ---- every message template in the source has an entry ------------------------------------

_MAKERS = {"error": 1, "warn": 1, "Problem": 1, "InputError": 0, "ConfigError": 0,
           "OutPathError": 0, "RunExistsError": 0, "RunBusyError": 0, "_problem": 0, "bad": 1,
           "SolverLimitError": 0}
_SCANNED = ["io", "config.py", "model/checks.py", "runs/folder.py", "runs/regenerate.py",
            "examples/__init__.py", "solve/stages.py", "cli/example.py", "cli/init.py", "cli/template.py",
            "sweep"]


def _literal_parts(node) -> list[str] | None:
    """The fixed text of a message argument, or None when it is not a literal template."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    if isinstance(node, ast.IfExp):  # inside a sum: both branches' text belongs to one entry
        body, orelse = _literal_parts(node.body), _literal_parts(node.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_parts(node.left), _literal_parts(node.right)
        return None if left is None or right is None else left + right
    return None


def _templates():
    for place in _SCANNED:
        for path in sorted((SRC / place).rglob("*.py")) if (SRC / place).is_dir() else [SRC / place]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name == "append" and getattr(node.func.value, "id", "") == "notes":
                    position = 0
                elif name in _MAKERS:
                    position = _MAKERS[name]
                else:
                    continue
                argument = next((k.value for k in node.keywords if k.arg == "message"), None)
                if argument is None and len(node.args) > position:
                    argument = node.args[position]
                branches = ([argument.body, argument.orelse] if isinstance(argument, ast.IfExp)
                            else [argument])
                for branch in branches:
                    parts = _literal_parts(branch) if branch is not None else None
                    if parts is not None:
                        yield f"{path.relative_to(SRC)}:{node.lineno}", parts


def test_every_message_template_in_the_source_has_a_catalogue_entry():
    # an "expected …, found …" message is the generic entry around an EXPECTED one
    entries = [p.pattern.replace("\\", "") for p, _ in messages.MESSAGES]
    entries += [f"{prefix}expected {p.pattern.replace(chr(92), '')}, found"
                for p, _ in messages.EXPECTED for prefix in ("", ": ")]
    templates = list(_templates())
    assert len(templates) >= 60
    lacking = []
    for where, parts in templates:
        words = [w for part in parts for w in re.findall(r"[A-Za-z]+(?: [A-Za-z]+)*", part)
                 if re.search(r"[A-Za-z]{3,}", w)]
        if words and not any(all(w in entry for w in words) for entry in entries):
            lacking.append(f"{where}: {' … '.join(words)}")
    assert not lacking, "no catalogue entry for:\n" + "\n".join(lacking)


def test_refusals_outside_the_input_render_in_chinese():
    """Refusals of an --out path, a sweep option and a solver limit: whole Chinese sentences."""
    said = {
        "/tmp/run exists; give --force to replace it (nothing was written)":
            "/tmp/run 已存在；如要替换请加 --force（未写入任何文件）",
        "--out run is the input or holds it (/work/case); choose another folder (nothing was "
        "written)": "--out run 就是输入或包含输入（/work/case）；请另选文件夹（未写入任何文件）",
        "pool: this configuration has no equalisation, so the pool cannot matter; use --model "
        "default": "pool：该配置不含均衡性转移支付，资金池不起作用；请用 --model default",
        "eta: 'abc' is not a number or a factor such as x1.1":
            "eta：'abc' 既不是数，也不是 x1.1 这样的倍数",
        "the solver stopped in stage 1 at a limit (Time limit reached) without a proven "
        "optimum; best bound on the weighted shortfall: 12.50":
            "求解器在第 1 阶段触及限制（达到时间上限），未证得最优解；加权缺口的最优界：12.50",
        "scenario 2 (eta=5): sharing.csv!3: column 'province_share': province_share 0.1 is "
        "outside [0.2, 0.8]": "情景 2（eta=5）：sharing.csv!3：列 'province_share'："
                              "province_share 0.1 不在 [0.2, 0.8] 之内",
    }
    for english, chinese in said.items():
        assert messages.translate(english, "zh") == chinese
        assert messages.translate(english, "en") == english


def test_the_frame_around_messages_is_one_language():
    assert set(messages.FRAME["zh"]) == set(messages.FRAME["en"])
    for key, text in messages.FRAME["zh"].items():
        assert not english_words(re.sub(r"\{\w+\}", "", text)), key
        assert not re.search(r"[\u4e00-\u9fff]", messages.FRAME["en"][key]), key


# ---- the command line ---------------------------------------------------------------------

def run(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    captured = capsys.readouterr()
    return ended.value.code, captured.out, captured.err


def test_validate_speaks_the_command_language(capsys):
    case = DATA / "bad" / "date_for_year.xlsx"
    code, _, err = run(capsys, "validate", str(case))
    assert code == 2
    assert err.splitlines() == [
        "错误：输入有 2 处问题：",
        "  standards!B2：列 'year'：应为介于 meta 中 first_year 与 last_year 之间的年份，实际为日期 "
        "2021-01-01",
        "  standards：列 'year'：项目 'X' 在 2021 年没有标准"]
    code, _, err = run(capsys, "validate", str(case), "--lang", "en")
    assert code == 2
    assert err.splitlines() == [
        "Error: 2 problems in the input:",
        "  standards!B2: column 'year': expected a year within meta's first_year..last_year, "
        "found a date 2021-01-01",
        "  standards: column 'year': no standard for item 'X' in year(s) 2021"]


def test_validate_summary_and_warnings_in_both_languages(capsys):
    case = DATA / "accepted" / "renamed_sheet.xlsx"
    code, out, err = run(capsys, "validate", str(case))
    assert code == 0
    assert "测算案例" in out and "标准支出（万元）" in out and "警告 " in out
    assert err.startswith("警告：")
    for line in (out + err).splitlines():
        assert not english_words(line.split("：", 1)[-1]), line
    code, out, err = run(capsys, "validate", str(case), "--lang", "en")
    assert code == 0
    assert "valid case" in out and "standard cost (10,000 yuan)" in out
    assert err.startswith("warning: ") and not re.search(r"[\u4e00-\u9fff]", err.split("'")[0])


@pytest.mark.parametrize("args", [
    ["solve", "--bogus"], ["solve", "--ou", "x"], ["solve", "--model"], ["solve", "--lang", "xx"],
    ["solve", "a", "b"], ["nosuch"], ["solve", "--threads", "a"], ["validate", "--fix", "1"],
])
def test_command_line_mistakes_are_told_in_one_language(capsys, args):
    """Click's own messages (an unknown option, a missing value, a bad choice…): Chinese by
    default, usage line and hint included; exactly Click's English with --lang en."""
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[-1].startswith("错误：") and "Error" not in err and "Usage" not in err
    words = re.sub(r"'[^']*'|--?[\w-]+|\b[A-Z]+\b", " ", lines[-1])  # names stay as typed
    assert not english_words(words), lines[-1]
    if args[0] == "solve" and "--lang" not in args:
        code, out, err = run(capsys, args[0], "--lang", "en", *args[1:])
        assert code == 2 and out == ""
        assert "Error: " in err and not re.search(r"[\u4e00-\u9fff]", err)


def test_every_statement_the_solution_check_makes_reads_in_chinese():
    """Each statement analysis/verify.py checks (the first argument of ``found.money``,
    ``.relative`` and ``.share``), in the line `fiscalshare verify` prints about it."""
    source = Path(messages.__file__).parent / "analysis" / "verify.py"
    statements = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("money", "relative", "share") and node.args
                and isinstance(node.args[0], ast.Constant)):
            statements.add(node.args[0].value)
    assert len(statements) >= 20
    for statement in statements:
        line = f"constraint: {statement}: 3 row(s) violated, worst by 0.5 yuan beyond the tolerance"
        rendered = messages.translate(line, "zh")
        assert rendered.startswith("约束不满足：") and "violated" not in rendered, statement
        assert not english_words(rendered), (statement, rendered)


@pytest.mark.parametrize("line", [
    "manifest.json: 'files' is not a mapping of file name to sha256",
    "manifest.json: status 'done' is neither 'solved' nor 'infeasible'",
    "manifest.json: expected a JSON object, found list",
    "manifest.json: 'eta' is missing (allocation.nc has 1.0)",
    "manifest.json: 'eta' is 1.0 but allocation.nc says 0.5",
    "manifest.json: 'optimised_cost' is 1.0 but optimised.nc says 2.0",
    "allocation.nc: attribute 'eta' is 1.0 but the run's model configuration says 0.5",
    "allocation.nc: termination 'Time limit reached': a written run is optimal",
    "allocation.nc: input_sha256 is not the case's: the allocation of another input",
    "allocation.nc: results' year coordinate differs from the inputs'",
    "optimised.nc: standard_cost: differs from the case's",
    "manifest.json: 'prefectures' does not map each workbook to the prefecture allocation.nc "
    "names it for",
    "prefectures/520100-贵阳市.xlsx: its sheets are not the ones the run writes",
    "responsibility.xlsx: sheet '汇总' cell C25 holds 22638.8, but allocation.nc gives 21401.95",
    "compare.xlsx: sheet '对比' has 30 rows, optimised.nc with baseline.nc gives 31",
    "manifest.json: 'model_config' is missing: the infeasibility cannot be re-checked",
    "manifest.json: 'cost_at_eta_zero' is not a number",
    "manifest.json: 'price_of_equity' is not optimised_cost − cost_at_eta_zero",
    "baseline.nc: 'transfer' is not the status quo the case gives",
    "diagnosis.json: not a diagnosis (expected a JSON object)",
    "manifest.json: status 'infeasible', but the case has a solution under the run's "
    "configuration",
])
def test_what_verify_finds_in_a_run_folder_reads_in_chinese(line):
    """The findings of runs/audit.py beside the constraints, as `fiscalshare verify` prints
    them (file names, keys and quoted values stay as they are)."""
    rendered = messages.translate(line, "zh")
    assert rendered != line and re.search(r"[\u4e00-\u9fff]", rendered)
    assert not english_words_beside_names(rendered), rendered
