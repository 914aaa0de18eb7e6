"""Build the packaged Guizhou example from public facts and labelled assumptions.

Run ``python -m fiscalshare.examples.build_guizhou`` to regenerate the CSV folders; a test checks
that the committed files equal this script's output.  Tags:
[S] sourced, [S2] secondary source, [M] unverified recollection — every [M] figure and every
assumption [A] is listed in the ``meta`` source text and in ``docs/example-guizhou.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fiscalshare.examples.listing import NOTE as LISTING_NOTE
from fiscalshare.examples.listing import listing_columns
from fiscalshare.io.dataset import CaseTables
from fiscalshare.quantities import WAN

YEARS = tuple(range(2021, 2026))

# policy.md §7.7 Table A: 2020 census resident population [S]; 2020 GDP in 亿元 [S2].
# Administrative codes are the public GB/T 2260 codes of the nine 市州.
PREFECTURES = (
    # code, name, population, GDP 亿元, derived tier (A=1, B=2, C=3 by GDP per capita index)
    ("520100", "贵阳市", 5_987_018, 4311.65, 1),
    ("520300", "遵义市", 6_606_675, 3720.05, 1),
    ("522700", "黔南州", 3_494_385, 1595.40, 2),
    ("522300", "黔西南州", 3_015_112, 1353.40, 2),
    ("520200", "六盘水市", 3_031_602, 1339.62, 2),
    ("520600", "铜仁市", 3_298_468, 1327.79, 3),
    ("520400", "安顺市", 2_470_630, 966.74, 3),
    ("522600", "黔东南州", 3_758_622, 1191.52, 3),
    ("520500", "毕节市", 6_899_636, 2020.39, 3),
)
# Ethnic autonomous prefectures (自治州) [S: names]; old revolutionary base areas [A];
# prefectures with many counties that exited poverty in 2020 [A].
ETHNIC = {"522700", "522300", "522600"}
OLD_REVOLUTIONARY = {"520300", "520500", "520600"}
POVERTY_EXITED = {"520500", "522600", "520600", "522300", "520400", "520200", "522700"}

# Age structure [S2]: province 0–14 = 23.97 %, 65+ = 11.56 %; 毕节 0–14 28.33 %, 60+ 13.84 %;
# 遵义 0–14 22.32 %, 60+ 17.05 %.  Others take the provincial 0–14 share and a 60+ share of
# 15.4 % [A: 65+ share × 1.33, the national 60+/65+ ratio of 2020].
CHILD_SHARE = {"520500": 0.2833, "520300": 0.2232}
ELDER_SHARE = {"520500": 0.1384, "520300": 0.1705}
PROVINCE_CHILD_SHARE = 0.2397
PROVINCE_ELDER_SHARE = 0.154

# Assumptions behind the beneficiary counts [A].
PRIMARY_OF_CHILDREN = 6 / 15  # primary pupils ≈ six of the fifteen 0–14 cohorts
JUNIOR_OF_CHILDREN = 3 / 15
RESIDENT_INSURANCE_COVERAGE = 0.85  # residents in the resident medical scheme
WITHOUT_EMPLOYEE_PENSION = 0.70  # 60+ residents drawing the resident basic pension
POOR_BOARDER_SHARE = 0.10  # pupils who are boarders from families in difficulty
NUTRITION_PILOT_SHARE = 0.60  # rural pupils in national nutrition pilot areas

# National standards by year (元 per beneficiary per year), policy.md §1.4.
STANDARDS = {
    # 基本公共卫生服务: 2025 = 99 [S]; 2021–2024 = 79/84/89/94 [M]
    "PH01": (79.0, 84.0, 89.0, 94.0, 99.0),
    # 城乡居民医保财政补助: 2021 = 580 [S]; 2022–2025 = 610/640/670/700 [M]
    "MI01": (580.0, 610.0, 640.0, 670.0, 700.0),
    # 城乡居民基础养老金最低标准 ×12: 2023 103, 2024 123 元/月 [S2]; 2021 93 [M],
    # 2022 98 [A: midway], 2025 143 [M]
    "PE01": tuple(12.0 * m for m in (93.0, 98.0, 103.0, 123.0, 143.0)),
    # 义务教育生均公用经费基准定额 小学 650 / 初中 850 [S: 2023 practice], held flat [A]
    "ED01": (650.0,) * 5,
    "ED02": (850.0,) * 5,
    # 家庭经济困难寄宿生生活补助 小学 1000 / 初中 1250 [S]
    "ED03": (1000.0,) * 5,
    "ED04": (1250.0,) * 5,
    # 营养膳食补助 800 [S]; 5 元/天 from autumn 2021 [M] → 1000 from 2022, 900 in 2021 [A]
    "ED05": (900.0, 1000.0, 1000.0, 1000.0, 1000.0),
}

ITEMS = (
    # code, name, domain, unit, rule, central share, binding, weight, provincial top-up λ
    ("PH01", "基本公共卫生服务", "病有所医", "元/人/年", "ratio", 0.8, "hard", 1.0, 1.0),
    ("MI01", "城乡居民基本医疗保险财政补助", "病有所医", "元/参保人/年", "ratio", 0.8, "hard",
     1.0, 1.0),
    ("PE01", "城乡居民基础养老金", "老有所养", "元/人/年", "central", 1.0, "hard", 1.0, 1.05),
    ("ED01", "义务教育公用经费（小学）", "学有所教", "元/生/年", "ratio", 0.8, "hard", 1.0, 1.0),
    ("ED02", "义务教育公用经费（初中）", "学有所教", "元/生/年", "ratio", 0.8, "hard", 1.0, 1.0),
    ("ED03", "家庭经济困难寄宿生生活补助（小学）", "学有所教", "元/生/年", "uniform", 0.5,
     "soft", 2.0, 1.0),
    ("ED04", "家庭经济困难寄宿生生活补助（初中）", "学有所教", "元/生/年", "uniform", 0.5,
     "soft", 2.0, 1.0),
    ("ED05", "农村义务教育学生营养膳食补助", "学有所教", "元/生/年", "central", 1.0, "soft", 1.5,
     1.2),
)

# Fiscal capacity [A]: Cap = GDP × revenue ratio (by tier: richer prefectures collect more per yuan
# of GDP) × share usable for these items after 保工资、保运转; GDP grows 5 % a year from 2020.
REVENUE_RATIO = {1: 0.090, 2: 0.075, 3: 0.065}
USABLE_SHARE = 0.024
GDP_GROWTH = 0.05

# Tier bounds [A], from the Zhejiang menu {1.0, 0.7, 0.5, 0.3, 0.2} (policy.md §2): tier 3 (C)
# 0.7–1.0, tier 2 (B) 0.5, tier 1 (A) 0.2–0.3; the fixed table takes the lower bound.
SHARE_BOUNDS = {1: (0.2, 0.3, 0.2), 2: (0.5, 0.5, 0.5), 3: (0.7, 1.0, 0.7)}
RATIO_MENU = (1.0, 0.7, 0.5, 0.3, 0.2)

# The lower-budget variant [A]: each year's provincial budget is what the default model spends in
# that year with no limit, less this share of that year's equalisation transfers, rounded down to
# 万元.  Co-financing at the lowest allowed shares is an obligation, so the cut can only come out of
# equalisation, and the regions that needed it fall short on soft items.
LOW_BUDGET_EQUALISATION_CUT = 0.5

# Plan indicators: national 14th-FYP basic-public-service indicator set as printed in the Panjin
# plan (seed-001, L54–L171); illustrative for the report, not Guizhou's own targets.
INDICATORS = (
    # code, name, domain, unit, baseline year, baseline, target year, target, nature, item
    ("IND01", "每千人口拥有3岁以下婴幼儿托位数", "幼有所育", "个", 2020, "2", 2025, "≥4.5",
     "预期性", ""),
    ("IND02", "九年义务教育巩固率", "学有所教", "%", 2020, "/", 2025, "≥98.5", "约束性", "ED01"),
    ("IND03", "基本医疗保险参保率", "病有所医", "%", 2020, "92.8", 2025, ">95", "预期性", "MI01"),
    ("IND04", "基本养老保险参保率", "老有所养", "%", 2020, "90", 2025, "95", "预期性", "PE01"),
)

SOURCE = (
    "贵州省，9个市州，2021—2025年。标注：[S] 有出处，[S2] 二手来源，[M] 凭记忆、未核实，[A] 本例"
    "假设。事实：2020年第七次全国人口普查常住人口[S]、2020年地区生产总值"
    "[S2]（贵州省第七次全国人口普查公报（第二号）；贵州统计年鉴2021）；财力分档按人均地区生产总值（指数≥120为第1档，90—120为第2档，"
    "<90为第3档；本例规则，非官方）；第一档省份的中央分担比例：按比例分担事项80%，城乡居民基础"
    "养老金最低标准和营养改善计划100%，寄宿生生活补助50%（各省均按5:5，统一比例）[S/M]；各年国家"
    "基础标准（《国家基本公共服务标准（2021年版）》及各项目年度标准；基本公共卫生服务2021—2024年、城乡居民医保2022—2025年、养老金2021"
    "年和2025年、营养膳食补助5元/天为[M]）。假设[A]：可用财力=地区生产总值×财政收入比率（按档次"
    "0.090/0.075/0.065）×可用比例0.024，地区生产总值每年增长5%；受益人数按年龄结构推算（0—14岁："
    "全省23.97%、毕节28.33%、遵义22.32%；60岁及以上：全省15.4%[A]、毕节13.84%、遵义17.05%），小学"
    "生取0—14岁人口的6/15、初中生取3/15，城乡居民医保覆盖85%，60岁及以上人口的70%领取城乡居民养老"
    "金，家庭经济困难寄宿生占10%，60%的学生在营养改善计划试点；省级提标系数λ为1.05（养老金）和1.2"
    "（营养膳食补助）；省级分担比例范围取自浙江省分担比例选项（第3档0.7—1.0，第2档0.5，第1档0.2—"
    "0.3）；地区标识：民族地区为三个自治州，革命老区为遵义、毕节、铜仁，脱贫地区为除贵阳、遵义外的"
    "各市州。规划指标：按盘锦市规划所列国家指标体系（示意）。" + LISTING_NOTE
)
COMPILER = "贵州省财政厅预算处（示例）"  # example data: the 编制单位 printed on every sheet


def _population_shares(code: str) -> tuple[float, float]:
    return CHILD_SHARE.get(code, PROVINCE_CHILD_SHARE), ELDER_SHARE.get(code, PROVINCE_ELDER_SHARE)


def beneficiaries_per_region(code: str, population: float) -> dict[str, float]:
    """Beneficiaries N of each item in one prefecture (the [A] rules above)."""
    children, elders = _population_shares(code)
    primary = population * children * PRIMARY_OF_CHILDREN
    junior = population * children * JUNIOR_OF_CHILDREN
    return {
        "PH01": population,
        "MI01": population * RESIDENT_INSURANCE_COVERAGE,
        "PE01": population * elders * WITHOUT_EMPLOYEE_PENSION,
        "ED01": primary,
        "ED02": junior,
        "ED03": primary * POOR_BOARDER_SHARE,
        "ED04": junior * POOR_BOARDER_SHARE,
        "ED05": (primary + junior) * NUTRITION_PILOT_SHARE,
    }


def build(budget: dict[int, float] | None = None) -> CaseTables:
    regions = pd.DataFrame([
        {"code": code, "name": name, "parent": "", "tier": tier, "population": float(pop),
         "cost_index": 1.0, "poverty_exited": int(code in POVERTY_EXITED),
         "ethnic": int(code in ETHNIC), "border": 0,
         "old_revolutionary": int(code in OLD_REVOLUTIONARY)}
        for code, name, pop, _, tier in PREFECTURES
    ])
    items = pd.DataFrame([
        {"code": c, "name": n, "domain": d, "unit": u, "rule": r, "binding": b, "weight": w}
        for c, n, d, u, r, _, b, w, _ in ITEMS
    ])
    items = items.assign(**listing_columns(items["code"]))
    standards = pd.DataFrame([
        {"item": c, "year": y, "unit_cost": STANDARDS[c][k], "topup": lam, "central_share": theta}
        for c, _, _, _, _, theta, _, _, lam in ITEMS for k, y in enumerate(YEARS)
    ])
    beneficiaries = pd.DataFrame([
        {"region": code, "item": item, "year": y, "units": round(n)}
        for code, _, pop, _, _ in PREFECTURES
        for item, n in beneficiaries_per_region(code, pop).items() for y in YEARS
    ])
    capacity = pd.DataFrame([
        {"region": code, "year": y,
         "fiscal_capacity": round(gdp * 1e8 * (1 + GDP_GROWTH) ** (y - 2020)
                                  * REVENUE_RATIO[tier] * USABLE_SHARE, -4)}
        for code, _, _, gdp, tier in PREFECTURES for y in YEARS
    ])
    sharing = pd.DataFrame([
        {"tier": t, "item": c, "province_min": low, "province_max": high, "province_share": fixed,
         "prefecture_share": 0.0}
        for t, (low, high, fixed) in SHARE_BOUNDS.items() for c, *_ in ITEMS
    ])
    indicators = pd.DataFrame([
        {"code": c, "name": n, "domain": d, "unit": u, "baseline_year": by, "baseline": b,
         "target_year": ty, "target": t, "nature": nat, "item": i}
        for c, n, d, u, by, b, ty, t, nat, i in INDICATORS
    ])
    budget_frame = None
    if budget is not None:
        budget_frame = pd.DataFrame({"year": list(budget), "provincial_budget": list(budget.values()),
                                     "equalisation_pool": [np.nan] * len(budget)})
    case = "guizhou-2021-2025" if budget is None else "guizhou-2021-2025-lowbudget"
    source = SOURCE if budget is None else SOURCE + (
        "低预算变体[A]：各年省级预算为默认模型在预算不设限时的省级支出减去其均衡性转移支付的"
        f"{LOW_BUDGET_EQUALISATION_CUT:.0%}，向下取整到万元。")
    return CaseTables(
        meta={"case": case, "province": "贵州省", "central_tier": 1, "first_year": YEARS[0],
              "last_year": YEARS[-1], "source": source, "compiler": COMPILER},
        regions=regions, items=items, standards=standards, beneficiaries=beneficiaries,
        capacity=capacity, sharing=sharing, budget=budget_frame,
        ratio_menu=pd.DataFrame({"share": list(RATIO_MENU)}), indicators=indicators,
    )


def low_budget(default_case: CaseTables) -> dict[int, float]:
    """The default model's yearly spending less part of its equalisation, in whole 万元."""
    from fiscalshare.config import load_config
    from fiscalshare.io.dataset import build_inputs
    from fiscalshare.solve import solve_case

    results = solve_case(build_inputs(default_case), load_config("default"))
    equalisation = results["equalisation"].sum("unit")
    spend = results["funding"].sel(level="province").sum(("region", "item")) + equalisation
    budget = spend - LOW_BUDGET_EQUALISATION_CUT * equalisation
    return {int(y): float(np.floor(v / WAN) * WAN)
            for y, v in zip(results["year"].values, budget.values, strict=True)}


def write_examples(root: Path) -> None:
    from fiscalshare.io import write_case

    default = build()
    write_case(default, root / "guizhou")
    write_case(build(low_budget(default)), root / "guizhou-lowbudget")


if __name__ == "__main__":
    write_examples(Path(__file__).resolve().parent)
