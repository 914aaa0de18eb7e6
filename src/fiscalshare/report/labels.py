"""The one label catalogue of the reports: every visible text in Chinese and English."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # sheets
    "sheet_summary": ("汇总", "Summary"),
    "sheet_responsibility": ("支出责任表", "Responsibility"),
    "sheet_sharing": ("分担比例", "Sharing ratios"),
    "sheet_transfers": ("转移支付", "Transfers"),
    "sheet_indicators": ("规划指标", "Indicators"),
    "sheet_about": ("说明", "About"),
    # columns
    "region": ("地区代码", "Region code"),
    "region_name": ("地区名称", "Region"),
    "prefecture": ("所属市州", "Prefecture"),
    "unit": ("单位代码", "Unit code"),
    "unit_name": ("单位名称", "Unit"),
    "item": ("事项代码", "Item code"),
    "item_name": ("事项名称", "Item"),
    "domain": ("领域", "Domain"),
    "binding": ("约束性", "Binding"),
    "year": ("年度", "Year"),
    "tier": ("财力分档", "Tier"),
    "standard_cost": ("标准支出（万元）", "Standard cost (10k yuan)"),
    "central": ("中央（万元）", "Central (10k yuan)"),
    "province": ("省级（万元）", "Province (10k yuan)"),
    "prefecture_level": ("市级（万元）", "Prefecture (10k yuan)"),
    "county": ("县级（万元）", "County (10k yuan)"),
    "shortfall": ("缺口（万元）", "Shortfall (10k yuan)"),
    "central_pct": ("中央占比", "Central %"),
    "province_pct": ("省级占比", "Province %"),
    "prefecture_pct": ("市级占比", "Prefecture %"),
    "county_pct": ("县级占比", "County %"),
    "shortfall_pct": ("缺口占比", "Shortfall %"),
    "share": ("省级分担比例", "Provincial share σ"),
    "share_min": ("下限", "Lower bound"),
    "share_max": ("上限", "Upper bound"),
    "prefecture_share": ("市级分担比例π", "Prefecture share π"),
    "cofinancing": ("共同财政事权转移支付（万元）", "Co-financing (10k yuan)"),
    "equalisation": ("均衡性转移支付（万元）", "Equalisation (10k yuan)"),
    "transfer": ("省级转移支付合计（万元）", "Provincial transfer total (10k yuan)"),
    "burden": ("本级支出责任（万元）", "Own burden (10k yuan)"),
    "capacity": ("可用财力（万元）", "Usable capacity (10k yuan)"),
    "level": ("层级", "Level"),
    "total": ("合计", "Total"),
    "key": ("项目", "Item"),
    "value": ("内容", "Value"),
    "metric": ("指标", "Metric"),
    "before": ("转移支付前", "Before transfers"),
    "after": ("转移支付后", "After transfers"),
    "change": ("变化", "Change"),
    "indicator": ("指标代码", "Code"),
    "indicator_name": ("指标名称", "Indicator"),
    "baseline_year": ("基期年度", "Baseline year"),
    "baseline": ("基期值", "Baseline"),
    "target_year": ("目标年度", "Target year"),
    "target": ("目标值", "Target"),
    "nature": ("指标属性", "Nature"),
    "indicator_unit": ("计量单位", "Unit"),
    "indicator_regions": ("适用地区", "Regions"),
    # summary sections
    "by_level_year": ("分层级、分年度支出（万元）", "Spending by level and year (10k yuan)"),
    "by_domain_level": ("分领域、分层级支出（万元）", "Spending by domain and level (10k yuan)"),
    "transfers_by_region": ("分地区省级转移支付（万元）",
                            "Provincial transfers by region and year (10k yuan)"),
    "objectives": ("目标函数值", "Objective values"),
    "z1": ("加权缺口 z1", "Weighted shortfall z1"),
    "z2": ("省级资金 z2（万元）", "Provincial money z2 (10k yuan)"),
    "hard_met": ("约束性事项全部足额保障", "Every hard (约束性) item is met in full"),
    "hard_short": ("约束性事项存在缺口", "A hard (约束性) item falls short"),
    "soft_short": ("预期性事项缺口合计（万元）", "Shortfall of soft items (10k yuan)"),
    "equity": ("均等化指标（人口加权）", "Equity metrics (population-weighted)"),
    # levels
    "level_central": ("中央", "Central"),
    "level_province": ("省级", "Province"),
    "level_prefecture": ("市级", "Prefecture"),
    "level_county": ("县级", "County"),
    # about
    "about_case": ("案例", "Case"),
    "about_province": ("省份", "Province"),
    "about_scope": ("范围", "Scope"),
    "about_source": ("数据来源与假设", "Sources and assumptions"),
    "about_model": ("模型配置", "Model configuration"),
    "about_ratio_mode": ("分担比例方式", "Ratio mode"),
    "about_equalisation": ("均衡性转移支付", "Equalisation"),
    "about_termination": ("求解状态", "Solver termination"),
    "about_versions": ("软件版本", "Versions"),
    "about_input": ("输入文件哈希（SHA-256）", "Input file hash (SHA-256)"),
    "about_created": ("生成时间（UTC）", "Created (UTC)"),
    "about_money": ("金额单位", "Money"),
    "about_money_value": ("万元，保留两位小数", "10,000 yuan, two decimals"),
    "scope_province": ("全省", "Whole province"),
    # plots
    "plot_transfer_title": ("人均省级转移支付与人均可用财力", "Provincial transfer vs capacity per capita"),
    "plot_capacity_axis": ("人均可用财力（元/人/年）", "Capacity per capita (yuan/person/year)"),
    "plot_transfer_axis": ("人均省级转移支付（元/人/年）", "Provincial transfer per capita (yuan/person/year)"),
    "plot_shares_title": ("各地区分层级支出结构", "Who pays, by region"),
    "plot_shares_axis": ("占标准支出比例", "Share of standard cost"),
    "plot_shortfall_title": ("分事项缺口", "Shortfall by item"),
    "plot_shortfall_axis": ("缺口（万元）", "Shortfall (10k yuan)"),
    "tier_label": ("第{}档", "Tier {}"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # the story of fiscalshare compare (report/story.py)
    "story_same_money": ("同样的省级资金（现行{before}万元，优化{after}万元），",
                         "With the same provincial money (status quo {before}, optimised "
                         "{after} 10k yuan), "),
    "story_shortfall_same": ("保障缺口总额不变（{after}万元）", "the total shortfall stays at "
                             "{after} 10k yuan"),
    "story_money_less": ("省级资金由{before}万元减少至{after}万元，", "Provincial money falls "
                         "from {before} to {after} 10k yuan, and "),
    "story_money_more": ("省级资金由{before}万元增加至{after}万元，", "Provincial money rises "
                         "from {before} to {after} 10k yuan, and "),
    "story_shortfall_down": ("保障缺口由{before}万元降至{after}万元", "the shortfall against "
                             "the standards falls from {before} to {after} 10k yuan"),
    "story_shortfall_up": ("保障缺口由{before}万元升至{after}万元", "the shortfall against "
                           "the standards rises from {before} to {after} 10k yuan"),
    "story_shortfall_none": ("所有标准均足额保障", "every standard is met in full"),
    "story_tier": ("，其中第{tier}档（财力最弱）由{before}万元变为{after}万元",
                   "; in tier {tier} (the weakest) from {before} to {after}"),
    "story_share": ("第{tier}档地区得到的省级资金占比由{before}变为{after}。",
                    "The weakest tier's share of provincial money goes from {before} to "
                    "{after}."),
    "story_flags": ("缺口按地区类型（现行→优化，万元）：{groups}。",
                    "Shortfall by kind of region (status quo → optimised, 10k yuan): {groups}."),
    "story_gini": ("转移支付后人均资金基尼系数：现行{before}，优化{after}。",
                   "Gini of per-capita funding after transfers: status quo {before}, optimised "
                   "{after}."),
    "story_coincide": ("优化方案与现行办法结果相同：{reasons}。", "The optimum and the status quo "
                       "coincide: {reasons}."),
    "story_separator": ("；", "; "),
    "why_no_shortfall": ("现行办法已足额保障所有标准", "the status quo already meets every "
                         "standard"),
    "why_lower_bounds": ("现行分担比例已是各档下限，省级承担已是允许的最少",
                         "the current table is each tier's lower bound, the least the province "
                         "may pay"),
    "why_no_pool": ("未设均衡性转移支付资金总额，因素法按缺口全额补足",
                    "no equalisation pool is given, so the factor method closes every gap in "
                    "full"),
    "why_fixed": ("分担比例固定（ratio_mode fixed），优化只能调整均衡性转移支付",
                  "the ratios are fixed (ratio_mode fixed): only equalisation can move"),
    "why_equalisation_off": ("未安排均衡性转移支付", "equalisation is off"),
    "why_same_choice": ("优化选择了现行分担比例和转移支付", "the optimum chose the current table "
                        "and transfers"),
    "group_poverty_exited": ("脱贫县", "poverty-exited"),
    "group_ethnic": ("民族地区", "ethnic"),
    "group_border": ("边境地区", "border"),
    "group_old_revolutionary": ("革命老区", "old revolutionary"),
    "group_no_flag": ("其他地区", "other regions"),
    "group_all": ("全部地区", "all regions"),
}


def label(key: str, lang: str = "zh") -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en
