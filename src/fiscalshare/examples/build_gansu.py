"""Build the packaged Gansu county-level example: 14 市州, 86 counties, nine domains, 29 items.

Run ``python -m fiscalshare.examples.build_gansu`` to regenerate ``examples/gansu/``; a test checks
that the committed files equal this script's output.  Unlike the Guizhou example, whose fixed
table is the lower bound of every share and which has no pool, this case carries a plausible
**current** provincial sharing table (30/40/50/60 % by tier) and a plausible current equalisation
pool, paid by the factor method, so that ``fiscalshare compare`` measures what optimising changes.

Tags, as in ``docs/example-gansu.md``: [S] sourced (policy.md or a seed plan), [S2] secondary,
[M] recalled and unverified, [A] our assumption.  Every figure is named below with its tag; the
``meta`` sheet's source text lists them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from fiscalshare.examples.listing import NOTE as LISTING_NOTE
from fiscalshare.examples.listing import listing_columns
from fiscalshare.io.dataset import CaseTables

YEARS = (2023, 2024, 2025)
CENTRAL_TIER = 1  # 甘肃 is in the central 第一档: 80 % of ratio items [S: policy.md §1.2]

# 2020 census resident population of the 14 市州 [M: 甘肃省第七次全国人口普查公报, recalled].
# GB/T 2260 codes [M].  嘉峪关 has no counties: it is a prefecture-level receiving region.
PREFECTURES = (
    ("620100", "兰州市", 4_359_446),
    ("620200", "嘉峪关市", 312_663),
    ("620300", "金昌市", 438_026),
    ("620400", "白银市", 1_512_110),
    ("620500", "天水市", 2_984_659),
    ("620600", "武威市", 1_464_955),
    ("620700", "张掖市", 1_131_016),
    ("620800", "平凉市", 1_848_607),
    ("620900", "酒泉市", 1_055_706),
    ("621000", "庆阳市", 2_179_716),
    ("621100", "定西市", 2_524_097),
    ("621200", "陇南市", 2_407_272),
    ("622900", "临夏回族自治州", 2_109_750),
    ("623000", "甘南藏族自治州", 691_808),
)

# Counties (县级区划) with GB/T 2260 codes [M] and a rough resident population in 万人 [A: rounded
# recollection, scaled so that each prefecture's counties add up to its census total].
# Tier: provincial fiscal-capacity tier 1 (strongest) … 4 (weakest) [A: our grouping by resource
# revenue, urban status and the 深度贫困 list; not an official classification].
# Flags [A/M]: p = 脱贫县 (exited poverty by 2020), e = 民族地区, b = 边境, r = 革命老区.
COUNTIES = {
    "620100": (("620102", "城关区", 147, 1, ""), ("620103", "七里河区", 61, 1, ""),
               ("620104", "西固区", 37, 1, ""), ("620105", "安宁区", 39, 1, ""),
               ("620111", "红古区", 15, 2, ""), ("620121", "永登县", 35, 3, "p"),
               ("620122", "皋兰县", 17, 2, ""), ("620123", "榆中县", 44, 3, "p")),
    "620300": (("620302", "金川区", 25, 1, ""), ("620321", "永昌县", 19, 2, "")),
    "620400": (("620402", "白银区", 31, 2, ""), ("620403", "平川区", 19, 2, ""),
               ("620421", "靖远县", 41, 3, "p"), ("620422", "会宁县", 45, 4, "pr"),
               ("620423", "景泰县", 22, 3, "p")),
    "620500": (("620502", "秦州区", 60, 2, "p"), ("620503", "麦积区", 53, 2, "p"),
               ("620521", "清水县", 25, 3, "p"), ("620522", "秦安县", 50, 3, "p"),
               ("620523", "甘谷县", 52, 3, "p"), ("620524", "武山县", 38, 3, "p"),
               ("620525", "张家川回族自治县", 28, 4, "pe")),
    "620600": (("620602", "凉州区", 90, 2, ""), ("620621", "民勤县", 18, 3, ""),
               ("620622", "古浪县", 29, 4, "p"), ("620623", "天祝藏族自治县", 17, 4, "pe")),
    "620700": (("620702", "甘州区", 52, 2, ""), ("620721", "肃南裕固族自治县", 3.5, 2, "e"),
               ("620722", "民乐县", 19, 3, ""), ("620723", "临泽县", 13, 2, ""),
               ("620724", "高台县", 13, 2, ""), ("620725", "山丹县", 16, 3, "")),
    "620800": (("620802", "崆峒区", 52, 2, "r"), ("620821", "泾川县", 26, 3, "pr"),
               ("620822", "灵台县", 18, 3, "pr"), ("620823", "崇信县", 9, 3, ""),
               ("620881", "华亭市", 18, 2, ""), ("620825", "庄浪县", 33, 4, "p"),
               ("620826", "静宁县", 39, 4, "p")),
    "620900": (("620902", "肃州区", 45, 1, ""), ("620921", "金塔县", 13, 2, ""),
               ("620922", "瓜州县", 13, 2, ""), ("620923", "肃北蒙古族自治县", 1.5, 1, "eb"),
               ("620924", "阿克塞哈萨克族自治县", 1.1, 1, "e"), ("620981", "玉门市", 14, 1, ""),
               ("620982", "敦煌市", 18, 1, "")),
    "621000": (("621002", "西峰区", 44, 2, "r"), ("621021", "庆城县", 25, 2, "pr"),
               ("621022", "环县", 29, 3, "pr"), ("621023", "华池县", 11, 3, "pr"),
               ("621024", "合水县", 13, 3, "pr"), ("621025", "正宁县", 17, 3, "pr"),
               ("621026", "宁县", 38, 3, "pr"), ("621027", "镇原县", 40, 4, "pr")),
    "621100": (("621102", "安定区", 41, 3, "p"), ("621121", "通渭县", 32, 4, "p"),
               ("621122", "陇西县", 46, 3, "p"), ("621123", "渭源县", 30, 4, "p"),
               ("621124", "临洮县", 50, 3, "p"), ("621125", "漳县", 18, 4, "p"),
               ("621126", "岷县", 43, 4, "p")),
    "621200": (("621202", "武都区", 55, 3, "p"), ("621221", "成县", 25, 3, "p"),
               ("621222", "文县", 20, 4, "p"), ("621223", "宕昌县", 25, 4, "p"),
               ("621224", "康县", 17, 4, "p"), ("621225", "西和县", 36, 4, "p"),
               ("621226", "礼县", 45, 4, "p"), ("621227", "徽县", 19, 3, "p"),
               ("621228", "两当县", 4, 3, "pr")),
    "622900": (("622901", "临夏市", 35, 3, "e"), ("622921", "临夏县", 35, 4, "pe"),
               ("622922", "康乐县", 26, 4, "pe"), ("622923", "永靖县", 18, 3, "pe"),
               ("622924", "广河县", 24, 4, "pe"), ("622925", "和政县", 19, 4, "pe"),
               ("622926", "东乡族自治县", 30, 4, "pe"),
               ("622927", "积石山保安族东乡族撒拉族自治县", 24, 4, "pe")),
    "623000": (("623001", "合作市", 11, 3, "pe"), ("623021", "临潭县", 13, 4, "pe"),
               ("623022", "卓尼县", 10, 4, "pe"), ("623023", "舟曲县", 13, 4, "pe"),
               ("623024", "迭部县", 5, 3, "pe"), ("623025", "玛曲县", 5.7, 3, "pe"),
               ("623026", "碌曲县", 3.6, 3, "pe"), ("623027", "夏河县", 8, 4, "pe")),
}
JIAYUGUAN_TIER = 1  # [A]
# A prefecture's own tier is informational (its counties carry the sharing tiers) [A].
PREFECTURE_TIER = {"620100": 1, "620200": 1, "620300": 1, "620900": 1, "620400": 2,
                   "620500": 2, "620600": 2, "620700": 2, "620800": 2, "621000": 2}

# Age structure [M: 甘肃七普公报, recalled]: 0–14 19.40 %, 60+ 17.03 %; a weaker tier has more
# children and slightly fewer elderly [A].
CHILD_SHARE = 0.1940
ELDER_SHARE = 0.1703
CHILD_BY_TIER = {1: 0.85, 2: 0.95, 3: 1.05, 4: 1.20}  # × CHILD_SHARE [A]
ELDER_BY_TIER = {1: 1.00, 2: 1.00, 3: 1.00, 4: 0.95}  # × ELDER_SHARE [A]

# National basic standards by year (元 per beneficiary per year) — policy.md §1.4 and the seeds.
STANDARDS = {
    # 基本公共卫生服务: 2025 = 99 [S]; 2023/2024 = 89/94 [M]
    "PH01": (89.0, 94.0, 99.0),
    # 城乡居民医保人均财政补助: 2023–2025 = 640/670/700 [M]
    "MI01": (640.0, 670.0, 700.0),
    # 城乡居民基础养老金最低标准 ×12: 2023 103, 2024 123 元/月 [S2]; 2025 143 [M]
    "PE01": (12 * 103.0, 12 * 123.0, 12 * 143.0),
    # 义务教育生均公用经费基准定额 小学 650 / 初中 850 [S: 2023 practice], flat [A]
    "ED01": (650.0,) * 3,
    "ED02": (850.0,) * 3,
    # 家庭经济困难寄宿生生活补助 小学 1000 / 初中 1250 [S]
    "ED03": (1000.0,) * 3,
    "ED04": (1250.0,) * 3,
    # 营养膳食补助 5 元/天 × 200 天 = 1000 [M]
    "ED05": (1000.0,) * 3,
    # 普通高中国家助学金 average 2000 [S]; 中职国家助学金 2000 [M]
    "ED06": (2000.0,) * 3,
    "ED07": (2000.0,) * 3,
    # 计划生育奖励扶助 80 元/月 = 960 [M]
    "FP01": (960.0,) * 3,
    # 孤儿基本生活保障: 集中养育 1980 元/月, 散居/事实无人抚养 1280 元/月 — Yunnan's 2020
    # standards [S: seed-004 L82], used as a western benchmark [A]
    "YY01": (12 * 1980.0,) * 3,
    "YY02": (12 * 1280.0,) * 3,
}
GROWTH = 0.03  # yearly rise of the [A] standards below
ASSUMED_STANDARDS = {  # 2023 level, +3 % a year [A]
    "YY03": 20_000.0,  # 残疾儿童康复救助, per child
    "LD01": 1_000.0,  # 基本公共就业服务, per registered job seeker
    "LD02": 1_500.0,  # 职业技能培训补贴, per trainee
    "MA01": 600.0,  # 医疗救助, per assisted person
    "EL01": 1_200.0,  # 经济困难的高龄、失能老年人补贴, per person
    "HS01": 2_400.0,  # 城镇住房保障租赁补贴, per household
    "HS02": 15_000.0,  # 农村危房改造补助, per household
    "SA01": 3_000.0,  # 最低生活保障 (average paid per recipient)
    "SA02": 8_400.0,  # 特困人员救助供养, per person
    "SA03": 1_200.0,  # 困难残疾人生活补贴 (100 元/月)
    "SA04": 1_200.0,  # 重度残疾人护理补贴 (100 元/月)
    "YJ01": 6_000.0,  # 重点优抚对象抚恤补助, per person
    "YJ02": 3_000.0,  # 退役军人适应性培训, per trainee
    "WT01": 5.0,  # 公共文化设施免费开放, per resident
    "WT02": 2.4,  # 农村公益电影放映 (每村每月一场), per resident
    "WT03": 3.0,  # 公共体育场馆免费或低收费开放, per resident
}

ITEMS = (
    # code, name, domain, unit, rule, central share θ, binding, weight, top-up λ
    ("YY01", "孤儿基本生活保障（集中养育）", "幼有所育", "元/人/年", "uniform", 0.5, "hard", 1.0, 1.0),
    ("YY02", "事实无人抚养儿童基本生活补贴", "幼有所育", "元/人/年", "uniform", 0.5, "soft", 2.0,
     1.0),
    ("YY03", "残疾儿童康复救助", "幼有所育", "元/人/年", "uniform", 0.5, "soft", 2.0, 1.0),
    ("ED01", "义务教育公用经费（小学）", "学有所教", "元/生/年", "ratio", 0.8, "hard", 1.0, 1.0),
    ("ED02", "义务教育公用经费（初中）", "学有所教", "元/生/年", "ratio", 0.8, "hard", 1.0, 1.0),
    ("ED03", "家庭经济困难寄宿生生活补助（小学）", "学有所教", "元/生/年", "uniform", 0.5, "soft",
     2.0, 1.0),
    ("ED04", "家庭经济困难寄宿生生活补助（初中）", "学有所教", "元/生/年", "uniform", 0.5, "soft",
     2.0, 1.0),
    ("ED05", "农村义务教育学生营养膳食补助", "学有所教", "元/生/年", "central", 1.0, "soft", 1.5,
     1.0),
    ("ED06", "普通高中国家助学金", "学有所教", "元/生/年", "ratio", 0.8, "soft", 1.5, 1.0),
    ("ED07", "中等职业教育国家助学金", "学有所教", "元/生/年", "ratio", 0.8, "soft", 1.5, 1.0),
    ("LD01", "基本公共就业服务", "劳有所得", "元/人/年", "uniform", 0.4, "soft", 1.0, 1.0),
    ("LD02", "职业技能培训补贴", "劳有所得", "元/人/年", "uniform", 0.4, "soft", 1.0, 1.0),
    ("PH01", "基本公共卫生服务", "病有所医", "元/人/年", "ratio", 0.8, "hard", 1.0, 1.0),
    ("MI01", "城乡居民基本医疗保险财政补助", "病有所医", "元/参保人/年", "ratio", 0.8, "hard",
     1.0, 1.0),
    ("MA01", "医疗救助", "病有所医", "元/人/年", "uniform", 0.6, "soft", 2.0, 1.0),
    ("FP01", "计划生育扶助保障（奖励扶助）", "病有所医", "元/人/年", "ratio", 0.8, "hard", 1.0,
     1.0),
    ("PE01", "城乡居民基础养老金", "老有所养", "元/人/年", "central", 1.0, "hard", 1.0, 1.1),
    ("EL01", "经济困难的高龄、失能老年人补贴", "老有所养", "元/人/年", "local", 0.0, "soft", 1.5,
     1.0),
    ("HS01", "城镇住房保障租赁补贴", "住有所居", "元/户/年", "uniform", 0.5, "soft", 1.0, 1.0),
    ("HS02", "农村危房改造补助", "住有所居", "元/户", "uniform", 0.7, "soft", 1.5, 1.0),
    ("SA01", "最低生活保障", "弱有所扶", "元/人/年", "uniform", 0.7, "hard", 1.0, 1.0),
    ("SA02", "特困人员救助供养", "弱有所扶", "元/人/年", "uniform", 0.7, "hard", 1.0, 1.0),
    ("SA03", "困难残疾人生活补贴", "弱有所扶", "元/人/年", "local", 0.0, "soft", 2.0, 1.0),
    ("SA04", "重度残疾人护理补贴", "弱有所扶", "元/人/年", "local", 0.0, "soft", 2.0, 1.0),
    ("YJ01", "重点优抚对象抚恤补助", "优军服务保障", "元/人/年", "uniform", 0.8, "hard", 1.0, 1.0),
    ("YJ02", "退役军人适应性培训", "优军服务保障", "元/人/年", "local", 0.0, "soft", 1.0, 1.0),
    ("WT01", "公共文化设施免费开放", "文体服务保障", "元/人/年", "ratio", 0.8, "soft", 1.0, 1.0),
    ("WT02", "农村公益电影放映", "文体服务保障", "元/人/年", "ratio", 0.8, "soft", 1.0, 1.0),
    ("WT03", "公共体育场馆免费或低收费开放", "文体服务保障", "元/人/年", "ratio", 0.8, "soft",
     1.0, 1.0),
)
# The provincial share of the pension top-up is fixed by policy at 50 % in every tier [A].
POLICY_FIXED = {"PE01": 0.5}

# Beneficiaries per resident, by tier 1..4 [A] (children-, elderly- or population-based).
PER_RESIDENT = {
    # item: (base population, rates by tier)
    "YY01": ("children", (0.0003, 0.0004, 0.0005, 0.0007)),
    "YY02": ("children", (0.0010, 0.0013, 0.0016, 0.0020)),
    "YY03": ("children", (0.0008, 0.0009, 0.0010, 0.0012)),
    "LD01": ("population", (0.008, 0.006, 0.005, 0.004)),
    "LD02": ("population", (0.010, 0.010, 0.010, 0.012)),
    "MA01": ("population", (0.015, 0.025, 0.035, 0.045)),
    "FP01": ("elders", (0.06, 0.08, 0.10, 0.10)),
    "EL01": ("elders", (0.02, 0.03, 0.035, 0.04)),
    "HS01": ("population", (0.008, 0.005, 0.003, 0.002)),
    "HS02": ("population", (0.0002, 0.0006, 0.0010, 0.0014)),
    "SA01": ("population", (0.015, 0.040, 0.070, 0.100)),
    "SA02": ("population", (0.003, 0.005, 0.007, 0.009)),
    "SA03": ("population", (0.008, 0.011, 0.013, 0.015)),
    "SA04": ("population", (0.008, 0.010, 0.011, 0.012)),
    "YJ01": ("population", (0.002, 0.002, 0.002, 0.002)),
    "YJ02": ("population", (0.0006, 0.0005, 0.0005, 0.0004)),
    "WT01": ("population", (1.0,) * 4),
    "WT02": ("population", (0.2, 0.8, 1.0, 1.0)),
    "WT03": ("population", (1.0,) * 4),
}
PRIMARY_OF_CHILDREN = 6 / 15  # [A]
JUNIOR_OF_CHILDREN = 3 / 15
HIGH_SCHOOL_OF_CHILDREN = 3 / 15 * 0.50  # general upper secondary, ~50 % of the cohort [A]
VOCATIONAL_OF_CHILDREN = 3 / 15 * 0.35
GRANT_SHARE = {1: 0.15, 2: 0.25, 3: 0.30, 4: 0.35}  # pupils receiving the 助学金 [A]
POOR_BOARDERS = {1: 0.04, 2: 0.08, 3: 0.15, 4: 0.20}  # of compulsory pupils [A]
NUTRITION_PILOT = 0.70  # pupils in national pilot areas, 脱贫县 only [A]
RESIDENT_INSURANCE = {1: 0.60, 2: 0.80, 3: 0.90, 4: 0.95}  # in the resident scheme [A]
RESIDENT_PENSION = {1: 0.45, 2: 0.65, 3: 0.75, 4: 0.80}  # 60+ drawing the resident pension [A]

# Usable fiscal capacity for these items after 保工资、保运转, 元 per resident in 2023 [A], with a
# deterministic ±8 % spread between counties of a tier; +4 % a year.  A prefecture with counties
# keeps CAPACITY_PREFECTURE 元 per resident of its counties for its own share π.
CAPACITY_PER_RESIDENT = {1: 160.0, 2: 130.0, 3: 110.0, 4: 80.0}
CAPACITY_PREFECTURE = 40.0
CAPACITY_GROWTH = 0.04

# The current provincial sharing table [A]: the province pays 30/40/50/60 % of the sub-central
# remainder in tiers 1..4 for every item, except the pension top-up fixed at 50 %.  The bounds
# the province may move within: tier 1 0–30 %, tier 2 20–50 %, tier 3 40–80 %, tier 4 60–100 %.
# The prefecture bears π of a county's local part: 30 % (tiers 1–2), 20 % (tiers 3–4) [A].
CURRENT_SHARE = {1: 0.3, 2: 0.4, 3: 0.5, 4: 0.6}
SHARE_BOUNDS = {1: (0.0, 0.3), 2: (0.2, 0.5), 3: (0.4, 0.8), 4: (0.6, 1.0)}
PREFECTURE_SHARE = {1: 0.3, 2: 0.3, 3: 0.2, 4: 0.2}
RATIO_MENU = (1.0, 0.7, 0.5, 0.3, 0.2)  # the Zhejiang menu [S: policy.md §2]

# The current equalisation pool [A]: 60 % of the gaps the current table leaves (the factor
# method hands it out pro rata); the budget [A]: what the province spends today — co-financing
# at the current table plus the pool — rounded up to 万元.
POOL_SHARE_OF_GAPS = 0.60

INDICATORS = (
    # code, name, domain, unit, baseline year, baseline, target year, target, nature, item, regions
    ("GS01", "孤儿和事实无人抚养儿童保障覆盖率", "幼有所育", "%", 2020, "/", 2025, "应保尽保",
     "约束性", "YY02", ""),
    ("GS02", "九年义务教育巩固率", "学有所教", "%", 2020, "/", 2025, "≥96", "约束性", "ED01", ""),
    ("GS03", "基本医疗保险参保率", "病有所医", "%", 2020, "/", 2025, ">95", "预期性", "MI01", ""),
    ("GS04", "基本养老保险参保率", "老有所养", "%", 2020, "/", 2025, "≥95", "预期性", "PE01", ""),
    ("GS05", "困难残疾人生活补贴和重度残疾人护理补贴目标人群覆盖率", "弱有所扶", "%", 2020, "/", 2025,
     "100", "约束性", "SA03", ""),
    ("GS06", "城乡低保对象", "弱有所扶", "", 2020, "/", 2025, "应保尽保", "约束性", "SA01",
     "622900,623000"),
    ("GS07", "退役军人适应性培训参训率", "优军服务保障", "%", 2020, "/", 2025, ">90", "约束性",
     "YJ02", ""),
    ("GS08", "人均体育场地面积", "文体服务保障", "平方米", 2020, "/", 2025, "≥2.6", "预期性", "WT03",
     "620100"),
)

SOURCE = (
    "甘肃省，14个市州、86个县（市、区）（接受分配的地区87个：各县与嘉峪关市），29项基本公共服务"
    "事项，覆盖九个领域，2023—2025年。标注：[S] 有出处，[S2] 二手来源，[M] 凭记忆、未核实，[A] 本例"
    "假设。事实：中央分档为第一档，按比例分担事项中央承担80%[S]；国家基础标准：基本公共卫生服务"
    "99元（2025年）[S]、89/94元（2023—2024年）[M]；城乡居民医保财政补助640/670/700元[M]；城乡居民"
    "基础养老金最低标准103/123元/月（2023—2024年）[S2]、143元/月（2025年）[M]，中央承担100%[S]；"
    "生均公用经费650/850元[S]；家庭经济困难寄宿生生活补助1000/1250元，各省均按5:5分担（统一比例）"
    "[S]；营养膳食补助5元/天[M]；普通高中国家助学金2000元[S]；中职国家助学金2000元[M]；计划生育"
    "奖励扶助960元[M]；孤儿基本生活费1980/1280元/月（云南省2020年标准，参考规划之四[S]，作为西部"
    "参照[A]）；浙江省分担比例选项[S]；各市州2020年人口普查常住人口[M]；GB/T 2260行政区划代码[M]；"
    "年龄结构0—14岁19.40%、60岁及以上17.03%[M]。假设[A]：各县人口（取整，按市州合计缩放）；财力"
    "分档1—4（本例分组，非官方）；地区标识（脱贫县、民族地区、肃北边境、庆阳/会宁/平凉革命老区）；"
    "其余单位成本（每年增长3%）；按财力档次设定受益比例；因素法分配的事项（救助、就业、住房、优抚）"
    "按统一比例录入并假设中央分担比例；养老金省级提标系数λ为1.1，省级分担比例按政策固定为50%；"
    "可用财力按档次每常住人口160/130/110/80元（±8%），市州本级按所辖县常住人口每人40元，每年增长"
    "4%；现行省级分担比例按档次为30%/40%/50%/60%，上下限为0—30%/20—50%/40—80%/60—100%，市级分担"
    "比例30%（第1—2档）和20%（第3—4档）；均衡性转移支付资金为现行分担比例下标准收支缺口的60%；"
    "省级预算等于现行支出（按现行比例的省级分担加上均衡性转移支付资金），向上取整到万元。规划指标："
    "2025年目标值为示意。" + LISTING_NOTE
)
COMPILER = "甘肃省财政厅预算处（示例）"  # example data: the 编制单位 printed on every sheet


def _county_rows() -> list[dict]:
    rows = []
    for code, name, population in PREFECTURES:
        counties = COUNTIES.get(code, ())
        rows.append({"code": code, "name": name, "parent": "",
                     "tier": PREFECTURE_TIER.get(code, 3) if counties else JIAYUGUAN_TIER,
                     "population": float(population), "cost_index": 1.0,
                     "poverty_exited": 0, "ethnic": 0, "border": 0, "old_revolutionary": 0})
        total = sum(c[2] for c in counties)
        placed = 0
        for k, (ccode, cname, tens, tier, flags) in enumerate(counties):
            people = (population - placed if k == len(counties) - 1
                      else round(population * tens / total))
            placed += people
            rows.append({"code": ccode, "name": cname, "parent": code, "tier": tier,
                         "population": float(people), "cost_index": _cost_index(flags),
                         "poverty_exited": int("p" in flags), "ethnic": int("e" in flags),
                         "border": int("b" in flags), "old_revolutionary": int("r" in flags)})
    return rows


def _cost_index(flags: str) -> float:
    """成本差异系数 [A]: 1.1 in 民族地区 (high altitude, dispersed settlement), else 1."""
    return 1.1 if "e" in flags else 1.0


def _spread(code: str) -> float:
    """A deterministic ±8 % spread between counties of a tier, from the code's digits [A]."""
    return 1.0 + 0.08 * math.sin(int(code))


def receiving(regions: list[dict]) -> list[dict]:
    parents = {r["parent"] for r in regions if r["parent"]}
    return [r for r in regions if r["code"] not in parents]


def beneficiaries_of(region: dict) -> dict[str, float]:
    """Beneficiaries N of every item in one receiving region (the [A] rates above)."""
    tier, pop = int(region["tier"]), float(region["population"])
    children = pop * CHILD_SHARE * CHILD_BY_TIER[tier]
    elders = pop * ELDER_SHARE * ELDER_BY_TIER[tier]
    primary, junior = children * PRIMARY_OF_CHILDREN, children * JUNIOR_OF_CHILDREN
    base = {"population": pop, "children": children, "elders": elders}
    n = {item: base[what] * rates[tier - 1] for item, (what, rates) in PER_RESIDENT.items()}
    n.update({
        "ED01": primary, "ED02": junior,
        "ED03": primary * POOR_BOARDERS[tier], "ED04": junior * POOR_BOARDERS[tier],
        "ED05": (primary + junior) * NUTRITION_PILOT * region["poverty_exited"],
        "ED06": children * HIGH_SCHOOL_OF_CHILDREN * GRANT_SHARE[tier],
        "ED07": children * VOCATIONAL_OF_CHILDREN * GRANT_SHARE[tier],
        "PH01": pop, "MI01": pop * RESIDENT_INSURANCE[tier],
        "PE01": elders * RESIDENT_PENSION[tier],
    })
    return n


def _standard(item: str, k: int) -> float:
    if item in STANDARDS:
        return STANDARDS[item][k]
    return round(ASSUMED_STANDARDS[item] * (1 + GROWTH) ** k, 2)


def build(pool: dict[int, float] | None = None,
          budget: dict[int, float] | None = None) -> CaseTables:
    """The case; without ``pool``/``budget`` (the first pass of :func:`write_examples`) it has
    no budget sheet."""
    regions = _county_rows()
    targets = receiving(regions)
    items = pd.DataFrame([
        {"code": c, "name": n, "domain": d, "unit": u, "rule": r,
         "province_rule": "fixed" if c in POLICY_FIXED else "chosen", "binding": b, "weight": w}
        for c, n, d, u, r, _, b, w, _ in ITEMS
    ])
    items = items.assign(**listing_columns(items["code"]))
    standards = pd.DataFrame([
        {"item": c, "year": y, "unit_cost": _standard(c, k), "topup": lam, "central_share": theta}
        for c, _, _, _, _, theta, _, _, lam in ITEMS for k, y in enumerate(YEARS)
    ])
    beneficiaries = pd.DataFrame([
        {"region": r["code"], "item": item, "year": y, "units": round(n)}
        for r in targets for item, n in beneficiaries_of(r).items() for y in YEARS
    ])
    county_people = {}
    for r in regions:
        if r["parent"]:
            county_people[r["parent"]] = county_people.get(r["parent"], 0.0) + r["population"]
    capacity_rows = []
    for r in regions:
        if r["code"] in county_people:
            base = CAPACITY_PREFECTURE * county_people[r["code"]]
        else:
            base = CAPACITY_PER_RESIDENT[int(r["tier"])] * r["population"] * _spread(r["code"])
        for k, y in enumerate(YEARS):
            capacity_rows.append({"region": r["code"], "year": y, "fiscal_capacity":
                                  round(base * (1 + CAPACITY_GROWTH) ** k, -4)})
    sharing = pd.DataFrame([
        {"tier": t, "item": c,
         "province_min": POLICY_FIXED.get(c, SHARE_BOUNDS[t][0]),
         "province_max": POLICY_FIXED.get(c, SHARE_BOUNDS[t][1]),
         "province_share": POLICY_FIXED.get(c, CURRENT_SHARE[t]),
         "prefecture_share": PREFECTURE_SHARE[t]}
        for t in sorted(SHARE_BOUNDS) for c, *_ in ITEMS
    ])
    indicators = pd.DataFrame([
        {"code": c, "name": n, "domain": d, "unit": u, "baseline_year": by, "baseline": b,
         "target_year": ty, "target": t, "nature": nat, "item": i, "regions": rg}
        for c, n, d, u, by, b, ty, t, nat, i, rg in INDICATORS
    ])
    budget_frame = None
    if pool is not None and budget is not None:
        budget_frame = pd.DataFrame({"year": list(YEARS),
                                     "provincial_budget": [budget[y] for y in YEARS],
                                     "equalisation_pool": [pool[y] for y in YEARS]})
    return CaseTables(
        meta={"case": "gansu-2023-2025", "province": "甘肃省", "central_tier": CENTRAL_TIER,
              "first_year": YEARS[0], "last_year": YEARS[-1], "source": SOURCE,
              "compiler": COMPILER},
        regions=pd.DataFrame(regions), items=items, standards=standards,
        beneficiaries=beneficiaries, capacity=pd.DataFrame(capacity_rows), sharing=sharing,
        budget=budget_frame, ratio_menu=pd.DataFrame({"share": list(RATIO_MENU)}),
        indicators=indicators,
    )


def current_money(tables: CaseTables) -> tuple[dict[int, float], dict[int, float]]:
    """The pool (a share of the gaps the current table leaves) and the budget (co-financing at
    the current table plus that pool), in whole 万元, by year."""
    from fiscalshare.analysis.baseline import baseline_allocation
    from fiscalshare.config import load_config
    from fiscalshare.io.dataset import build_inputs

    status_quo = baseline_allocation(build_inputs(tables), load_config("fixed-ratios"))
    gaps = status_quo["standard_gap"].sum("unit").values
    co_financing = (status_quo["transfer"] - status_quo["equalisation"]).sum("unit").values
    years = [int(y) for y in status_quo["year"].values]
    pool = {y: float(np.floor(POOL_SHARE_OF_GAPS * g / 1e4) * 1e4)
            for y, g in zip(years, gaps, strict=True)}
    budget = {y: float(np.ceil((c + pool[y]) / 1e4) * 1e4)
              for y, c in zip(years, co_financing, strict=True)}
    return pool, budget


def write_example(root: Path) -> None:
    from fiscalshare.io import write_case

    pool, budget = current_money(build())
    write_case(build(pool, budget), root / "gansu")


if __name__ == "__main__":
    write_example(Path(__file__).resolve().parent)
