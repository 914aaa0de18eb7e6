"""One declaration per input sheet (docs/inputs.md).

The reader, the validator, the blank template and ``docs/inputs.md`` are all derived from these
declarations, so a column is described in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fiscalshare.io.dataset import BINDINGS, DOMAINS, PROVINCE_RULES, RULES

# Magnitudes the model represents faithfully (yuan; checked by solving the extremes, see
# tests/test_odd_input.py).  Beyond them HiGHS's tolerances (about 1e-7 relative) exceed the
# independent check's: the case is refused up front rather than solved wrongly.
MAX_CODE_LENGTH = 64  # characters of a code: it becomes part of file names
MAX_UNIT_COST = 1e9  # yuan per beneficiary and year
MAX_UNITS = 1e9  # beneficiaries of one item in one region and year
MAX_POPULATION = 2e9
MAX_FACTOR = 100.0  # top-up and cost index, and the item weight
MIN_FACTOR = 0.01  # cost index and item weight
MAX_CAPACITY = 1e13  # yuan: one spending unit's capacity in one year
MAX_BUDGET = 1e14  # yuan: the provincial budget or the equalisation pool of one year
MAX_CELL_COST = 1e12  # yuan: q × top-up × cost index × units for one region, item and year
MAX_TIER = 1000  # tiers are 1..K, K given by the sharing sheet


@dataclass(frozen=True)
class Column:
    key: str
    kind: str  # code | text | int | year | number | share | flag | choice
    label: str  # Chinese label (the template's second row)
    meaning: str
    required: bool = True
    default: object = None
    minimum: float | None = None  # inclusive
    positive: bool = False  # strictly greater than zero
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    units: str = ""

    def expected(self) -> str:
        """What a valid value looks like, for error messages."""
        if self.kind == "int":
            low = int(self.minimum) if self.minimum is not None else None
            high = int(self.maximum) if self.maximum is not None else None
            if low is not None and high is not None:
                return f"an integer {low}..{high}"
            if low is not None:
                return f"an integer ≥ {low}"
            return "an integer"
        if self.kind == "year":
            return "a year within meta's first_year..last_year"
        if self.kind == "share":
            return "a number in [0, 1]"
        if self.kind == "flag":
            return "0 or 1"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "number":
            low = ("> 0" if self.positive else
                   f"≥ {self.minimum:g}" if self.minimum is not None else "")
            high = f"≤ {self.maximum:g}" if self.maximum is not None else ""
            bounds = " and ".join(b for b in (low, high) if b)
            return f"a number {bounds}" if bounds else "a number"
        if self.kind == "code":
            return f"a code (text, at most {MAX_CODE_LENGTH} characters, no control characters)"
        return "text without control characters"


@dataclass(frozen=True)
class Sheet:
    name: str
    label: str
    meaning: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ()
    required: bool = True
    extra: dict = field(default_factory=dict)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _flag(key, label):
    return Column(key, "flag", label, f"{label} flag (1 = yes)", required=False, default=0)


META_KEYS = (
    Column("case", "text", "案例名称", "short name of the case"),
    Column("province", "text", "省份", "province name"),
    Column("central_tier", "int", "中央分档", "the province's tier in the central five-tier scheme",
           minimum=1, maximum=5),
    Column("first_year", "int", "起始年度", "first planning year", minimum=1900, maximum=2200),
    Column("last_year", "int", "终止年度", "last planning year", minimum=1900, maximum=2200),
    Column("source", "text", "数据来源", "where the figures come from, which are assumptions",
           required=False, default=""),
    Column("compiler", "text", "编制单位", "compiling unit: the office that compiles the tables, "
           "printed in the title block of every sheet (blank: not printed)",
           required=False, default=""),
)

SHEETS: dict[str, Sheet] = {
    sheet.name: sheet
    for sheet in (
        Sheet("meta", "基本信息", "case facts as key/value rows", (
            Column("key", "text", "项目", "one of: " + ", ".join(c.key for c in META_KEYS)),
            Column("value", "text", "值", "its value"),
        ), keys=("key",)),
        Sheet("regions", "地区", "one row per region (prefecture or county)", (
            Column("code", "code", "行政区划代码", "administrative code, kept as text"),
            Column("name", "text", "名称", "region name"),
            Column("parent", "code", "上级市州代码", "prefecture code of a county; blank for a "
                   "prefecture-level region", required=False, default=""),
            Column("tier", "int", "财力分档", "provincial fiscal-capacity tier, 1 = strongest; "
                   "tiers 1..K, K set by the sharing sheet", minimum=1, maximum=MAX_TIER),
            Column("population", "number", "常住人口", "resident population", positive=True,
                   maximum=MAX_POPULATION, units="persons"),
            Column("cost_index", "number", "成本差异系数", "cost-difference coefficient",
                   required=False, default=1.0, minimum=MIN_FACTOR, maximum=MAX_FACTOR),
            _flag("poverty_exited", "脱贫县"),
            _flag("ethnic", "民族地区"),
            _flag("border", "边境地区"),
            _flag("old_revolutionary", "革命老区"),
        ), keys=("code",)),
        Sheet("items", "服务事项", "one row per basic public service item", (
            Column("code", "code", "事项代码", "item code"),
            Column("name", "text", "事项名称", "item name"),
            Column("domain", "choice", "领域", "service domain", choices=DOMAINS),
            Column("unit", "text", "计量单位", "unit of the standard", required=False,
                   default=""),
            Column("rule", "choice", "中央分担方式", "how the centre shares the national "
                   "standard — ratio: by the province's central tier (80/60/50/30/10 %, "
                   "meta's central_tier); uniform: one share for every province whatever its "
                   "tier, e.g. 0.5 for 家庭经济困难学生生活补助 (5:5, 国办发〔2018〕6号); central: "
                   "fully central (central_share 1); local: fully local (central_share 0). "
                   "The share itself is the standards sheet's central_share", choices=RULES),
            Column("province_rule", "choice", "省级分担方式", "how the province's share σ of "
                   "the remainder is set — chosen: by the model within the sharing sheet's "
                   "province_min..province_max (ratio_mode optimise or menu); fixed: by "
                   "provincial policy, σ = the sharing sheet's province_share in every ratio "
                   "mode (the bounds, the menu and the priority for poorer tiers do not apply "
                   "to it)", required=False, default="chosen", choices=PROVINCE_RULES),
            Column("binding", "choice", "约束性", "hard = 约束性 (met in full); soft = 预期性",
                   choices=BINDINGS),
            Column("weight", "number", "优先权重", "item priority W in the shortfall penalty",
                   required=False, default=1.0, minimum=MIN_FACTOR, maximum=MAX_FACTOR),
            Column("target_group", "text", "服务对象", "who the service is for (清单)",
                   required=False, default=""),
            Column("content", "text", "服务内容", "what the service provides (清单)",
                   required=False, default=""),
            Column("lead_department", "text", "牵头单位", "department that leads the item (清单)",
                   required=False, default=""),
        ), keys=("code",)),
        Sheet("standards", "国家标准", "one row per item and year", (
            Column("item", "code", "事项代码", "item code"),
            Column("year", "year", "年度", "year"),
            Column("unit_cost", "number", "国家基础标准", "national basic standard q per "
                   "beneficiary per year", positive=True, maximum=MAX_UNIT_COST, units="yuan"),
            Column("topup", "number", "省级提标系数", "provincial standard ÷ national standard",
                   required=False, default=1.0, minimum=1.0, maximum=MAX_FACTOR),
            Column("central_share", "share", "中央分担比例", "central share θ of the national "
                   "standard"),
        ), keys=("item", "year")),
        Sheet("beneficiaries", "受益对象", "beneficiaries per region, item and year", (
            Column("region", "code", "地区代码", "receiving region code"),
            Column("item", "code", "事项代码", "item code"),
            Column("year", "year", "年度", "year"),
            Column("units", "number", "受益人数", "number of beneficiaries; q × top-up × cost "
                   f"index × units may not exceed {MAX_CELL_COST:g} yuan", minimum=0.0,
                   maximum=MAX_UNITS, units="beneficiaries"),
        ), keys=("region", "item", "year")),
        Sheet("capacity", "可用财力", "usable fiscal capacity per spending unit and year", (
            Column("region", "code", "地区代码", "spending unit code"),
            Column("year", "year", "年度", "year"),
            Column("fiscal_capacity", "number", "可用财力", "capacity after guaranteed spending",
                   minimum=0.0, maximum=MAX_CAPACITY, units="yuan"),
        ), keys=("region", "year")),
        Sheet("sharing", "分担比例", "one row per tier and item", (
            Column("tier", "int", "财力分档", "tier (1..K: the tiers this sheet defines)",
                   minimum=1, maximum=MAX_TIER),
            Column("item", "code", "事项代码", "item code"),
            Column("province_min", "share", "省级分担下限", "lower bound on σ"),
            Column("province_max", "share", "省级分担上限", "upper bound on σ"),
            Column("province_share", "share", "省级分担比例", "today's σ: used in fixed ratio "
                   "mode and by the status quo of compare, and in every mode for an item whose "
                   "province_rule is fixed"),
            Column("prefecture_share", "share", "市级分担比例", "share of a county's local part "
                   "borne by its prefecture", required=False, default=0.0),
        ), keys=("tier", "item")),
        Sheet("budget", "省级预算", "provincial budget and equalisation pool by year", (
            Column("year", "year", "年度", "year"),
            Column("provincial_budget", "number", "省级预算", "provincial budget (blank: no "
                   "limit)", required=False, default=None, minimum=0.0, maximum=MAX_BUDGET,
                   units="yuan"),
            Column("equalisation_pool", "number", "均衡性转移支付资金", "equalisation pool "
                   "(blank: no limit)", required=False, default=None, minimum=0.0,
                   maximum=MAX_BUDGET, units="yuan"),
        ), keys=("year",), required=False),
        Sheet("ratio_menu", "分担比例选项", "allowed provincial shares in menu mode", (
            Column("share", "share", "省级分担比例", "an allowed share"),
        ), keys=("share",), required=False),
        Sheet("indicators", "规划指标", "plan indicators as the plan prints them, carried into "
              "the reports (the model does not read them)", (
            Column("code", "code", "指标代码", "indicator code"),
            Column("name", "text", "指标名称", "indicator name"),
            Column("domain", "text", "领域", "domain", required=False, default=""),
            Column("unit", "text", "计量单位", "unit of the values, e.g. %, 个, 万人次",
                   required=False, default=""),
            Column("baseline_year", "int", "基期年度", "baseline year", required=False,
                   minimum=1900, maximum=2200),
            Column("baseline", "text", "基期值", "baseline value as printed: a number, or / "
                   "for none", required=False, default=""),
            Column("target_year", "int", "目标年度", "target year", required=False,
                   minimum=1900, maximum=2200),
            Column("comparator", "text", "比较符", "≥, ≤, =, > or < (>= and <= are read as ≥ "
                   "and ≤), or empty; may instead lead the target, as plans print it (≥4.5)",
                   required=False, default=""),
            Column("target", "text", "目标值", "target as printed: a number with or without its "
                   "comparator (≥4.5, >98, 95%以上, 不低于55), or a text target (应保尽保, 全覆盖, "
                   "动态清零, 低于全国平均值), or / for none", required=False, default=""),
            Column("nature", "choice", "属性", "约束性 (binding), 预期性 (expected), or empty "
                   "where the plan does not say", required=False, default="",
                   choices=("约束性", "预期性", "binding", "expected", "")),
            Column("item", "code", "关联事项", "code of the service item the indicator belongs "
                   "to (items sheet), or empty", required=False, default=""),
            Column("regions", "text", "关联地区", "region codes the indicator applies to, "
                   "separated by commas (or 、); empty = the whole province", required=False,
                   default=""),
        ), keys=("code",), required=False),
    )
}


def render_markdown() -> str:
    """``docs/inputs.md``: every sheet and column, from the declarations above."""
    lines = [
        "# Input sheets",
        "",
        "Generated from `src/fiscalshare/io/schema.py` by `make docs`; do not edit by hand.",
        "This page is the input contract. Row 1 holds the keys below; the template's",
        "Chinese label row (row 2) is recognised and skipped. Money is in yuan (元).",
        "",
        f"Limits: codes hold at most {MAX_CODE_LENGTH} characters; no code or name may hold a",
        "control character (a tab is allowed in names), a lone surrogate or a Unicode",
        "non-character such as U+FFFE; two codes that differ only in full-width form or case",
        "(`Ａ1`, `a1`, `A1`) are duplicates. Numbers stay within what the model solves",
        "faithfully (the `expected` column below), and q × top-up × cost index × units of one",
        f"region, item and year may not exceed {MAX_CELL_COST:g} yuan. Tiers run 1..K, K the",
        "tiers the `sharing` sheet defines. A model configuration's η lies in [0, 5] and each φ",
        "in [0, 10].",
        "",
    ]
    for sheet in SHEETS.values():
        need = "required" if sheet.required else "optional"
        lines += [f"## `{sheet.name}` ({sheet.label}, {need})", "", sheet.meaning + ".", ""]
        if sheet.keys:
            lines += ["Keys (unique): " + ", ".join(f"`{k}`" for k in sheet.keys), ""]
        lines += ["| column | 标签 | required | expected | default | meaning |",
                  "|---|---|---|---|---|---|"]
        for c in sheet.columns:
            default = "" if c.default in (None, "") else str(c.default)
            lines.append(f"| `{c.key}` | {c.label} | {'yes' if c.required else 'no'} | "
                         f"{c.expected()} | {default} | {c.meaning} |")
        if sheet.name == "meta":
            lines += ["", "Keys of the `meta` sheet:", "", "| key | 标签 | expected | meaning |",
                      "|---|---|---|---|"]
            lines += [f"| `{c.key}` | {c.label} | {c.expected()} | {c.meaning} |"
                      for c in META_KEYS]
        lines.append("")
    return "\n".join(lines)
