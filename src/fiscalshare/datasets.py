"""The two Datasets fiscalshare passes between its layers, declared once.

Each variable is named here with its dimensions, units and meaning.  From this declaration come
the netCDF attributes (:func:`annotate`), the set of variables the verifier requires
(:data:`REQUIRED`), the inputs a results Dataset carries (:data:`CARRIED`) and docs/datasets.md
(:func:`datasets_markdown`, ``fiscalshare docs``).  The builders (``io.dataset.build_inputs``,
``solve.extract.results_dataset``, ``analysis.baseline.baseline_allocation``) fill the arrays;
the accounting that links them is ``quantities.accounts``.  Also here: the versions recorded
with every run, read from package metadata (no heavy imports).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from fiscalshare import __version__


@dataclass(frozen=True)
class Variable:
    """One data variable: ``meaning`` becomes the netCDF ``long_name``; ``zh`` names it in Chinese."""

    name: str
    dims: tuple[str, ...]
    units: str
    meaning: str
    zh: str = ""
    baseline: str | None = None  # the meaning in the status-quo allocation, where it differs


DIMENSIONS = (
    ("region", "receiving regions (rows of `regions` that have no counties under them), input "
     "order, text codes"),
    ("unit", "spending units: every row of `regions` (receiving regions and prefectures with "
     "counties), input order"),
    ("item", "service item codes, input order"),
    ("year", "`first_year … last_year` (int64)"),
    ("tier", "the distinct tiers of receiving regions, ascending (int64; 1 = strongest)"),
    ("level", "`central, province, prefecture, county`"),
    ("menu", "the `ratio_menu` shares, ascending (length 0 without the sheet; inputs only)"),
    ("indicator", "plan indicator codes (length 0 without the sheet)"),
)

# The non-dimension coordinates both Datasets carry, by the dimension they label.
COORDINATE_NAMES = {
    "region": ("region_name", "region_parent", "region_prefecture", "region_tier",
               "poverty_exited", "ethnic", "border", "old_revolutionary"),
    "unit": ("unit_name", "unit_parent", "unit_level", "unit_receives", "unit_tier"),
    "item": ("item_name", "domain", "item_unit", "rule", "province_rule", "binding"),
}

COORDINATES = (
    ("region", "`region_name`, `region_parent` (\"\" for a prefecture-level region), "
     "`region_prefecture` (g(r): the parent, or the region itself), `region_tier`, and the flags "
     "`poverty_exited`, `ethnic`, `border`, `old_revolutionary` (int8 0/1)"),
    ("unit", "`unit_name`, `unit_parent`, `unit_level` (`prefecture` or `county`), "
     "`unit_receives` (bool: is also a receiving region), `unit_tier`"),
    ("item", "`item_name`, `domain`, `item_unit`, `rule` (`ratio|uniform|central|local`), "
     "`province_rule` (`chosen|fixed`: σ chosen by the model, or fixed by policy at "
     "`province_share`), `binding` (`hard|soft`)"),
)

INPUTS = (
    Variable("population", ("region",), "persons", "resident population (常住人口)", "常住人口"),
    Variable("unit_population", ("unit",), "persons",
             "resident population of the spending unit"),
    Variable("cost_index", ("region",), "1", "cost-difference coefficient κ (成本差异系数)",
             "成本差异系数"),
    Variable("item_weight", ("item",), "1", "item priority W in the shortfall penalty"),
    Variable("beneficiaries", ("region", "item", "year"), "beneficiaries",
             "beneficiaries N of the item in the region", "受益人数"),
    Variable("unit_cost", ("item", "year"), "yuan per beneficiary per year",
             "national basic standard q", "国家基础标准"),
    Variable("topup", ("item", "year"), "1", "provincial standard ÷ national standard λ"),
    Variable("central_share", ("item", "year"), "1", "central share θ of the national standard",
             "中央分担比例"),
    Variable("fiscal_capacity", ("unit", "year"), "yuan",
             "usable fiscal capacity Cap of the spending unit", "可用财力"),
    Variable("province_min", ("tier", "item"), "1", "lower bound on the provincial share σ"),
    Variable("province_max", ("tier", "item"), "1", "upper bound on the provincial share σ"),
    Variable("province_share", ("tier", "item"), "1",
             "fixed provincial share s0 (fixed ratio mode)"),
    Variable("prefecture_share", ("tier", "item"), "1",
             "prefecture share π of a county's local part"),
    Variable("sharing_given", ("tier", "item"), "1",
             "whether the sharing sheet has a row for this tier and item"),
    Variable("provincial_budget", ("year",), "yuan", "provincial budget B (NaN: no limit)",
             "省级预算"),
    Variable("equalisation_pool", ("year",), "yuan", "equalisation pool E (NaN: no limit)",
             "均衡性转移支付资金"),
    Variable("ratio_menu", ("menu",), "1", "allowed provincial shares in menu mode"),
    Variable("indicator_name", ("indicator",), "1", "plan indicator name"),
    Variable("indicator_domain", ("indicator",), "1", "plan indicator domain"),
    Variable("indicator_nature", ("indicator",), "1", "约束性 (binding) or 预期性 (expected)"),
    Variable("indicator_baseline_year", ("indicator",), "year", "baseline year"),
    Variable("indicator_baseline", ("indicator",), "indicator unit",
             "baseline value (NaN: none, or not a number)"),
    Variable("indicator_target_year", ("indicator",), "year", "target year"),
    Variable("indicator_target", ("indicator",), "indicator unit",
             "numeric target (NaN for a text target such as 应保尽保)"),
    Variable("indicator_unit", ("indicator",), "1", "unit of the indicator's values"),
    Variable("indicator_comparator", ("indicator",), "1",
             "≥, ≤, =, > or < before the numeric target, or empty"),
    Variable("indicator_target_text", ("indicator",), "1", "target as printed (≥4.5, 应保尽保, /)"),
    Variable("indicator_baseline_text", ("indicator",), "1", "baseline as printed"),
    Variable("indicator_item", ("indicator",), "1",
             "service item the indicator belongs to, or empty"),
    Variable("indicator_regions", ("indicator",), "1",
             "comma-separated region codes it applies to; empty = province-wide "
             "(analysis.indicators.indicators_for selects by item and region)"),
)

_CUBE = ("region", "item", "year")

# The contract of allocation.nc: every results Dataset has these (the verifier requires them).
RESULTS = (
    Variable("standard_cost", _CUBE, "yuan", "standard cost C = N·q·λ·κ", "按标准测算的支出"),
    Variable("funding", (*_CUBE, "level"), "yuan",
             "who pays: central F, province P, prefecture and county parts of L", "各级支出责任"),
    Variable("shortfall", _CUBE, "yuan", "shortfall u against the standard", "缺口",
             baseline="shortfall u against the standard (hard items included)"),
    Variable("provincial_share", ("tier", "item"), "1",
             "provincial share σ of the sub-central remainder", "省级分担比例",
             baseline="provincial share σ of the remainder (the fixed table s0)"),
    Variable("equalisation", ("unit", "year"), "yuan", "untied equalisation transfer e",
             "均衡性转移支付", baseline="equalisation transfer T = θ·max(0, SE − SR)"),
    Variable("burden", ("unit", "year"), "yuan",
             "the unit's share of local parts (left side of constraint 2)", "本级负担"),
    Variable("fiscal_capacity", ("unit", "year"), "yuan", "usable fiscal capacity Cap",
             "可用财力", baseline="usable fiscal capacity Cap (standard revenue SR)"),
    Variable("transfer", ("unit", "year"), "yuan",
             "all provincial money to the unit: co-financing plus equalisation", "省级转移支付"),
    Variable("marginal_cost", ("item", "year"), "yuan",
             "rise of z2 for a 1 % rise of the national standard q[i,y]", "标准边际成本",
             baseline="rise of z2 for a 1 % rise of q (not defined for the baseline)"),
    Variable("capacity_value", ("unit", "year"), "1",
             "provincial yuan saved per extra yuan of capacity", "财力影子价格",
             baseline="provincial yuan saved per yuan of capacity (not defined)"),
    Variable("budget_value", ("year",), "1", "reduction of z1 per extra yuan of provincial budget",
             "预算影子价格", baseline="shortfall reduction per yuan of budget (not defined)"),
)

# Also computed for every results Dataset, beyond the contract.
DERIVED = (
    Variable("central_funding", _CUBE, "yuan", "central funding F = θ·N·q·κ", "中央资金"),
    Variable("priority_weight", ("region", "item"), "1", "priority weight w of a shortfall",
             "优先权重"),
)

# Inputs every results Dataset carries, so that reports, equity metrics and audits need
# nothing but allocation.nc (their declaration is in INPUTS); plus every ``indicator_*``.
CARRIED = ("population", "unit_population", "provincial_budget", "equalisation_pool",
           "province_min", "province_max", "province_share", "prefecture_share", "item_weight")

# Only in the status-quo allocation of ``analysis.baseline``.
BASELINE = (
    Variable("standard_expenditure", ("unit", "year"), "yuan",
             "standard expenditure SE: the unit's share of (1 − σ)·D", "标准财政支出"),
    Variable("standard_gap", ("unit", "year"), "yuan", "standard gap max(0, SE − SR)", "标准收支缺口"),
    Variable("transfer_coefficient", ("year",), "1", "equalisation coefficient θ of the year",
             "转移支付系数"),
    Variable("budget_excess", ("year",), "yuan",
             "co-financing above the provincial budget (0 where within it)", "超出预算"),
)

REQUIRED = tuple(v.name for v in RESULTS)

# Case attributes carried from the inputs to the results.
CASE_ATTRS = ("case", "province", "central_tier", "first_year", "last_year", "source",
              "compiler", "input_sha256", "input_path")

ATTRIBUTES = (
    ("objective_shortfall", "z1, the priority-weighted shortfall (weighted yuan)"),
    ("objective_cost", "z2, the province's own money: co-financing plus equalisation (yuan)"),
    ("ratio_mode", "`fixed`, `optimise` or `menu`"),
    ("equalisation", "`on` or `off`"),
    ("eta", "η, the strength of the priority for poorer areas"),
    ("phi", "φ by flag (JSON)"),
    ("termination", "the solver's word for how it stopped"),
    ("fiscalshare_version, pyomo_version, highs_version, python_version", "versions"),
    ("input_sha256", "hash of the workbook (or of the sorted CSV files)"),
    ("model_config", "the resolved model configuration (JSON)"),
    ("created_utc", "when the run was made"),
    ("build_seconds, solve_seconds, load_seconds", "wall times of the steps"),
    ("case, province, central_tier, first_year, last_year, source, compiler",
     "carried from the inputs (compiler: the 编制单位, empty when not given)"),
)

_DECLARED = {v.name: v for v in (*INPUTS, *RESULTS, *DERIVED, *BASELINE)}


def declared(name: str) -> Variable:
    return _DECLARED[name]


def annotate(ds, variables=None, *, baseline: bool = False) -> None:
    """Set ``units`` and ``long_name`` on every declared variable present in ``ds``.

    ``variables`` limits it to those declarations (default: all); ``baseline`` uses the
    status-quo meaning where one is declared.  A carried input keeps the attributes it has.
    """
    for var in _DECLARED.values() if variables is None else variables:
        if var.name not in ds:
            continue
        meaning = var.baseline if baseline and var.baseline else var.meaning
        ds[var.name].attrs.update(units=var.units, long_name=meaning)


def _table(variables) -> list[str]:
    lines = ["| variable | dims | units | meaning | 中文 |", "|---|---|---|---|---|"]
    for var in variables:
        lines.append(f"| `{var.name}` | {', '.join(var.dims)} | {var.units} | {var.meaning} "
                     f"| {var.zh} |")
    return lines


def _names(names: str) -> str:
    return ", ".join(f"`{name}`" for name in names.split(", "))


def datasets_markdown() -> str:
    """docs/datasets.md: both Datasets as declared here."""
    lines = [
        "# The two Datasets (internal contract)",
        "",
        "Generated from `src/fiscalshare/datasets.py` by `fiscalshare docs`; do not edit by hand.",
        "",
        "fiscalshare passes data between its layers as two `xarray.Dataset`s: the inputs "
        "(`fiscalshare.io.load_case`) and the results (`fiscalshare.solve`, written as "
        "`allocation.nc`; the status quo of `fiscalshare compare` has the same layout). "
        "[results.md](results.md) describes the run folder that holds them.",
        "",
        "## Dimensions",
        "",
        "| dim | values |",
        "|---|---|",
        *[f"| `{dim}` | {meaning} |" for dim, meaning in DIMENSIONS],
        "",
        "Non-dimension coordinates (on both Datasets):",
        "",
        *[f"- on `{dim}`: {names};" for dim, names in COORDINATES],
        "",
        "## Inputs Dataset",
        "",
        "Built by `fiscalshare.io.dataset.build_inputs`. Every variable has `units` and "
        "`long_name`. Derived quantities (C, F, D, w) are never stored here; "
        "`fiscalshare.quantities` computes them.",
        "",
        *_table(INPUTS),
        "",
        "Attributes: `case`, `province`, `central_tier`, `first_year`, `last_year`, `source`, "
        "and from the reader `input_sha256`, `input_path`.",
        "",
        "## Results Dataset",
        "",
        "The contract of `allocation.nc` (the verifier, `fiscalshare verify`, requires each of "
        "these). Money is in yuan.",
        "",
        *_table(RESULTS),
        "",
        "For every `(region, item, year)`: `Σ_level funding + shortfall = standard_cost` "
        "(relative error ≤ 1e-9). Funding by level, burden and transfer follow from σ, u and e "
        "by one function, `fiscalshare.quantities.accounts`.",
        "",
        "Also computed:",
        "",
        *_table(DERIVED),
        "",
        "Carried from the inputs, so that reports, equity metrics and audits need nothing but "
        "this file: " + ", ".join(f"`{name}`" for name in CARRIED) + " and the `indicator_*` "
        "variables.",
        "",
        "The status-quo allocation (`fiscalshare.analysis.baseline`) adds:",
        "",
        *_table(BASELINE),
        "",
        *_attribute_table(),
    ]
    return "\n".join(lines)


def _attribute_table() -> list[str]:
    """The results attributes as a Markdown table (datasets.md and results.md show the same)."""
    return ["Attributes:", "", "| attribute | meaning |", "|---|---|",
            *[f"| {_names(name)} | {meaning} |" for name, meaning in ATTRIBUTES], ""]


_RUN_FOLDER = """\
# The results of a run (contract)

Generated from `src/fiscalshare/datasets.py` by `fiscalshare docs`; do not edit by hand.

`fiscalshare solve` writes one run folder and nothing else: `--out DIR`, or by default
`results/<UTC time>-<case>-<model>/`. The folder is written beside its final place and renamed
when complete, so it appears whole or not at all.

The program deletes or replaces only what it created (`fiscalshare/runs/folder.py`). Every
folder it writes carries a marker file `.fiscalshare-run` (run id, process id); a temporary
`.<name>.tmp-<id>` beside `--out` is removed only when it carries that marker and its process is
gone. `--out` may not be the input, hold the input, be the current folder or one that holds it,
a symbolic link, or a non-empty folder without the marker (not even with `--force`); an existing
run folder of ours is replaced only with `--force`. All of this is refused before the solve, with
exit 2. One writer at a time: a lock file `.<name>.lock` beside `--out`, created and removed by
the writer, is held from before the solve to the end of the write, and a second writer to the same
`--out` is refused (exit 2). A `--force` replacement parks the old run as `.<name>.old-<id>`,
renames the new one into place, then removes the old one; killed between the two renames, it
leaves the old run whole under that name, and the next writer to `--out` puts it back.

| file | what it holds |
|---|---|
| `allocation.nc` | the results Dataset (below), netCDF4 (written by the netCDF-C library through the `netCDF4` package); `xarray.open_dataset` reads it with either engine, `netcdf4` or `h5netcdf` |
| `manifest.json` | the attributes of `allocation.nc` as JSON, and every file of the folder with its sha256 |
| `responsibility.xlsx` | the province's spending-responsibility workbook (支出责任表; [reports.md](reports.md)) |
| `prefectures/<code>-<name>.xlsx` | one workbook per prefecture with only its own rows and its counties' — the table handed to that prefecture; named by its code and name, made safe, with a hash of the code where the text had to change or two names would clash (never by order); `manifest.json` maps each file to its prefecture under `prefectures` |
| `plots/*.png` | `transfer_vs_capacity.png` (provincial transfer per capita against fiscal capacity per capita, by tier), `shares_by_level.png` (who pays, by region), and `shortfall_by_item.png` where something falls short |
| `run.log` | the steps of the run with their times |
| `diagnosis.json` | instead of the allocation and reports, when no allocation meets the hard items (exit 3): what money would make the case solvable, or why no money helps |

With `--no-reports` only `allocation.nc`, `manifest.json` and `run.log` are written;
`fiscalshare report RUN_DIR` adds the workbooks and plots later. `fiscalshare verify RUN_DIR`
re-derives what it can and reports every disagreement (exit 1): the hashes; the expected file set
and every workbook cell, rendered again from `allocation.nc`; the manifest's settings against
`allocation.nc`'s attributes and the model configuration; the case's hash, labels and figures
against those the results carry; every constraint; for an infeasible run, that the case has no
solution under its configuration. A malformed manifest or an unreadable `allocation.nc` is a
finding, not a crash. Workbooks are in Chinese by default (`--lang en`
for English), money in 万元 with two decimals, and hold no formulas.

## allocation.nc

Dimensions `region`, `item`, `year`, `level`, `tier`, `unit`, with the non-dimension coordinates
of the inputs ([datasets.md](datasets.md)). Money is in yuan (`units = "yuan"`).
"""


def results_markdown() -> str:
    """docs/results.md: the run folder, allocation.nc's variables and attributes, exit codes."""
    from fiscalshare import errors

    codes = {
        0: "solved: the run folder is written",
        errors.InputError.exit_code: "bad input or configuration: every problem with its sheet, "
        "row and column; nothing is written",
        errors.InfeasibleError.exit_code: "no allocation meets the hard items: `diagnosis.json` "
        "is written, no allocation",
        errors.SolverLimitError.exit_code: "the solver stopped at a limit (`--time-limit`) "
        "without a proven optimum",
        errors.FiscalshareError.exit_code: "anything unexpected (a bug, or an altered run folder "
        "found by `verify`); `--debug` shows the traceback",
    }
    lines = [
        _RUN_FOLDER,
        *_table(RESULTS),
        "",
        "For every `(region, item, year)`: `Σ_level funding + shortfall = standard_cost` to a "
        "relative 1e-9. `budget_value` is NaN where `z1 = 0`; `marginal_cost` and "
        "`capacity_value` are NaN where `z1 > 0` ([model.md](model.md), sensitivities). "
        "The file also holds " + ", ".join(f"`{v.name}`" for v in DERIVED) + " and the inputs "
        "that reports and audits read ([datasets.md](datasets.md)).",
        "",
        *_attribute_table(),
        "## Exit codes",
        "",
        "| code | meaning |",
        "|---|---|",
        *[f"| {code} | {codes[code]} |" for code in sorted(codes)],
        "",
    ]
    return "\n".join(lines)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def version_attrs() -> dict[str, str]:
    return {
        "fiscalshare_version": __version__,
        "pyomo_version": _version("pyomo"),
        "highs_version": _version("highspy"),
        "python_version": platform.python_version(),
    }
