"""The one label catalogue of every output a person reads: each text in Chinese and English.

``label(key, lang)`` gives a catalogue entry; ``text_of(value, lang)`` translates a value that
comes from the data or the configuration (a domain, 约束性, ``optimise``, a solver status) and
leaves names and codes as they are.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # workbook and sheet titles
    "book_title": ("基本公共服务支出责任表", "Basic public services: spending responsibility"),
    "period": ("{}—{}年", "{}–{}"),
    "compiler": ("编制单位：{}", "Compiled by: {}"),
    "money_unit": ("单位：万元", "Unit: 10,000 yuan"),
    "run_date": ("测算日期：{}", "Run date: {}"),
    "page_words": ("第 | 页 共 | 页", "Page | of | "),
    "sheet_summary": ("汇总", "Summary"),
    "sheet_listing": ("支出责任清单", "Responsibility list"),
    "sheet_responsibility": ("支出责任表", "Responsibility"),
    "sheet_responsibility_pct": ("分担结构", "Shares of cost"),
    "sheet_sharing": ("分担比例", "Sharing ratios"),
    "sheet_transfers": ("转移支付", "Transfers"),
    "sheet_city_county": ("市对县", "Prefecture to counties"),
    "sheet_protected": ("保障情况", "Who is protected"),
    "sheet_indicators": ("规划指标", "Indicators"),
    "sheet_about": ("说明", "About"),
    "title_summary": ("基本公共服务支出责任汇总表", "summary of spending responsibility"),
    "title_listing": ("基本公共服务支出责任清单", "list of spending responsibilities"),
    "title_responsibility": ("基本公共服务分地区支出责任表", "spending responsibility by region"),
    "title_responsibility_pct": ("基本公共服务分地区支出分担结构表（占标准支出，规划期合计）",
                                 "shares of standard cost by region (planning years)"),
    "title_sharing": ("基本公共服务分档分担比例表（占标准支出）", "sharing ratios by tier (share of cost)"),
    "title_transfers": ("基本公共服务省对下转移支付表", "provincial transfers"),
    "title_city_county": ("基本公共服务市对县补助表", "what prefectures bear for their counties"),
    "title_protected": ("基本公共服务保障情况说明", "who is protected, and why"),
    "title_indicators": ("基本公共服务规划指标表", "plan indicators"),
    "title_about": ("基本公共服务支出责任表编制说明", "notes"),
    # columns
    "region": ("地区代码", "Region code"),
    "region_name": ("地区名称", "Region"),
    "region_kind": ("地区类型", "Region type"),
    "prefecture": ("所属市州", "Prefecture"),
    "unit": ("单位代码", "Unit code"),
    "unit_name": ("单位名称", "Unit"),
    "item": ("事项代码", "Item code"),
    "item_name": ("服务项目", "Service item"),
    "domain": ("领域", "Domain"),
    "binding": ("约束性", "Binding"),
    "year": ("年度", "Year"),
    "year_n": ("{}年", "{}"),
    "tier": ("财力档次", "Tier"),
    "flags": ("重点地区类别", "Priority-area status"),
    "standard_cost": ("标准支出", "Standard cost"),
    "central": ("中央", "Central"),
    "province": ("省级", "Province"),
    "prefecture_level": ("市级", "Prefecture"),
    "county": ("县级", "County"),
    "shortfall": ("缺口", "Shortfall"),
    "central_pct": ("中央占比", "Central %"),
    "province_pct": ("省级占比", "Province %"),
    "prefecture_pct": ("市级占比", "Prefecture %"),
    "county_pct": ("县级占比", "County %"),
    "shortfall_pct": ("缺口占比", "Shortfall %"),
    "share": ("σ 省级承担地方部分比例", "σ province's part of the local share"),
    "share_range": ("σ 允许范围", "σ allowed range"),
    "prefecture_share": ("π 市级承担县地方部分比例", "π prefecture's part of a county's local share"),
    "sharing_mode": ("支出责任（分担方式）", "Responsibility (sharing mode)"),
    "cofinancing": ("共同财政事权转移支付", "Co-financing transfer"),
    "equalisation": ("均衡性转移支付", "Equalisation transfer"),
    "transfer": ("省级转移支付合计", "Provincial transfers, total"),
    "burden": ("本级支出责任", "Own spending responsibility"),
    "capacity": ("可用财力", "Usable fiscal capacity"),
    "omega": ("优先权重 ω", "Priority weight ω"),
    "total": ("合计", "Total"),
    "key": ("项目", "Item"),
    "value": ("内容", "Value"),
    "amount": ("金额", "Amount"),
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
    "seq": ("序号", "No."),
    "service_item": ("服务项目", "Service item"),
    "target_group": ("服务对象", "Who it serves"),
    "content": ("服务内容", "What it provides"),
    "national_standard": ("国家基础标准", "National standard"),
    "provincial_standard": ("省级标准", "Provincial standard"),
    "lead_department": ("牵头单位", "Lead department"),
    "linked_indicators": ("相关指标", "Plan indicators"),
    "numerals": ("一,二,三,四,五,六,七,八,九,十,十一,十二", "I,II,III,IV,V,VI,VII,VIII,IX,X,XI,XII"),
    "enum_sep": ("、", ". "),
    # words in cells
    "tier_label": ("第{}档", "Tier {}"),
    "kind_prefecture": ("市本级", "Prefecture itself"),
    "kind_county": ("县（市、区）", "County"),
    "rule_ratio": ("中央与地方按比例分担", "Central and local share by ratio"),
    "rule_uniform": ("中央与地方按全国统一比例分担", "Central and local share by a uniform ratio"),
    "rule_central": ("国家基础标准由中央全额承担", "The centre pays the national standard in full"),
    "rule_local": ("地方全额承担", "Paid in full locally"),
    "mode_local_split": ("地方部分省级按财力档次承担{}", "the province bears {} of the local part "
                         "by tier"),
    "mode_local_fixed": ("地方部分省级按政策规定承担{}", "the province bears {} of the local "
                         "part, fixed by policy"),
    "mode_topup": ("省级提标部分由地方承担", "the provincial top-up is paid locally"),
    "binding_hard": ("约束性", "binding"),
    "binding_soft": ("预期性", "expected"),
    "indicator_unit": ("计量单位", "Unit"),
    "indicator_regions": ("适用地区", "Regions"),
    "level_central": ("中央", "Central"),
    "level_province": ("省级", "Province"),
    "level_prefecture": ("市级", "Prefecture"),
    "level_county": ("县级", "County"),
    "level_shortfall": ("缺口", "Shortfall"),
    "flag_short_poverty_exited": ("脱贫", "formerly poor"),
    "flag_short_ethnic": ("民族", "ethnic"),
    "flag_short_border": ("边境", "border"),
    "flag_short_old_revolutionary": ("老区", "old base"),
    "flag_poverty_exited": ("脱贫地区", "formerly poor"),
    "flag_ethnic": ("民族地区", "ethnic-minority area"),
    "flag_border": ("边境地区", "border area"),
    "flag_old_revolutionary": ("革命老区", "old revolutionary base"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # summary sections and notes
    "by_level_year": ("一、分年度、分层级支出", "1. Spending by year and level"),
    "by_domain_level": ("二、分领域、分层级支出", "2. Spending by domain and level"),
    "transfers_by_region": ("三、分地区省级转移支付", "3. Provincial transfers by unit and year"),
    "equity": ("五、均等化指标（人口加权）", "5. Equity (population-weighted)"),
    "objectives": ("四、测算结果", "4. Result of the calculation"),
    "z1": ("加权缺口 z1（万元，按事项与地区优先权重加权）",
           "Weighted shortfall z1 (10,000 yuan, shortfalls weighted by item and region "
           "priority)"),
    "z2": ("省级资金 z2（万元，含均衡性转移支付）",
           "Provincial money z2 (10,000 yuan, equalisation included)"),
    "hard_met": ("约束性事项全部足额保障。", "Every binding item is met in full."),
    "hard_short": ("约束性事项存在缺口。", "A binding item falls short."),
    "soft_short": ("预期性事项缺口合计（万元）", "Shortfall of expected items (10,000 yuan)"),
    "percent_note": ("占比为规划期内各级承担额占标准支出的比例，每行合计为100.00%。",
                     "Each share is that level's part of the standard cost over the planning "
                     "years; each row adds up to 100.00%."),
    "by_prefecture_note": ("本表按市州汇总（含所辖县）；分县明细见各市州工作簿和 allocation.nc。",
                           "This table sums each prefecture with its counties; county detail is "
                           "in each prefecture's workbook and in allocation.nc."),
    "by_prefecture_total_note": ("本表按市州汇总（含所辖县）、各事项合计；分事项、分县明细见各市州工作簿和 "
                                 "allocation.nc。",
                                 "This table sums each prefecture with its counties over all "
                                 "items; item and county detail is in each prefecture's workbook "
                                 "and in allocation.nc."),
    "all_items": ("全部事项", "All items"),
    "sigma_note": ("σ 是省级承担地方部分（标准支出减中央承担部分）的比例，不是占标准支出的比例；"
                   "按标准支出计的各级占比见左侧各列。",
                   "σ is the province's part of the local share (standard cost less the central "
                   "part), not of the whole cost; the columns on the left give each level's share "
                   "of the whole cost."),
    "pi_note": ("π 是县（市、区）地方部分中由所属市承担的比例，只适用于县级地区。",
                "π is the part of a county's local share that its prefecture bears; it applies "
                "to counties only."),
    "transfer_note": ("省级转移支付 = 共同财政事权转移支付 + 均衡性转移支付；本级支出责任超过"
                      "可用财力的部分由均衡性转移支付补足。",
                      "Provincial transfers = co-financing + equalisation; equalisation covers "
                      "what a unit's own responsibility exceeds its usable capacity by."),
    "transfer_note_off": ("本方案不安排均衡性转移支付（该列为零）：省级转移支付即共同财政事权转移支付，"
                          "本级支出责任由各单位可用财力承担。",
                          "This scenario pays no equalisation (its column is zero): provincial "
                          "transfers are the co-financing, and each unit meets its own "
                          "responsibility from its usable capacity."),
    "city_to_county": ("市对县补助（万元）", "What the prefecture bears for its counties "
                       "(10,000 yuan)"),
    "city_to_county_note": ("市级按 π 承担所辖县（市、区）地方部分的金额。",
                            "The prefecture's part (π) of its counties' local shares."),
    "listing_note": ("占比为全省（或本市州）规划期各级承担额占标准支出的比例；服务对象、服务内容、"
                     "牵头单位取自输入表“服务事项”，未填写的留空。",
                     "Shares are each level's part of the standard cost over the planning years "
                     "for the area of this workbook; who it serves, what it provides and the lead "
                     "department come from the items sheet of the inputs (blank where not given)."),
    "listing_indicators_note": ("相关指标为规划指标表中与该事项关联的指标；市州工作簿只列全省适用及"
                                "指向本市州或所辖县的指标。",
                                "Indicators are the plan indicators linked to the item; a "
                                "prefecture's workbook lists those set for the whole province, "
                                "for the prefecture or for its counties."),
    "regions_protected": ("分地区保障情况", "Regions, their status and shortfall"),
    "why_omega": ("缺口按优先权重 ω 分配：财力越弱的地区 ω 越高，缺口越先避开；每项缺口再乘以该"
                  "事项的优先权重（输入表“服务事项”），权重越高的事项越先保障；η = {eta} "
                  "表示向财力较弱地区倾斜的力度；重点地区类别再上浮 ω：{flags}。",
                  "Shortfalls go by priority weight ω: the weaker a region's capacity, the higher "
                  "its ω and the later it falls short; each shortfall also counts by its item's "
                  "priority (the items sheet of the inputs), and the higher that, the sooner the item "
                  "is met; η = {eta} sets how strongly poorer areas come first; priority-area "
                  "status raises ω: {flags}."),
    "flag_weight": ("{}上浮{:.0f}%", "{} +{:.0f}%"),
    "no_shortfall": ("所有事项均足额保障，没有缺口。", "Every item is met in full; nothing falls "
                     "short."),
    "shortfall_where": ("缺口合计 {total:,.2f} 万元，分地区：{regions}。"
                        "分事项：{items}。",
                        "Shortfalls total {total:,.2f} (10,000 yuan), by region: {regions}. "
                        "By item: {items}."),
    "short_region": ("{name} {amount:,.2f} 万元（ω = {omega:.4f}）",
                     "{name} {amount:,.2f} (ω = {omega:.4f})"),
    "and_more": ("等，另有 {} 个", " and {} more"),
    "equalisation_who": ("{n} 个单位本级支出责任超过可用财力，由均衡性转移支付补足（万元）：{units}。",
                         "{n} unit(s) had a responsibility above their usable capacity, covered by "
                         "equalisation (10,000 yuan): {units}."),
    "equalisation_none": ("各单位本级支出责任均未超过可用财力，无需均衡性转移支付。",
                          "No unit's responsibility exceeds its usable capacity; no equalisation "
                          "is needed."),
    "equalisation_none_paid": ("本方案不安排均衡性转移支付。", "This scenario pays no equalisation."),
    "year_amount": ("{}年 {:,.2f}", "{} {:,.2f}"),
    # about
    "about_case": ("案例", "Case"),
    "about_province": ("省份", "Province"),
    "about_scope": ("范围", "Scope"),
    "about_period": ("规划期", "Planning period"),
    "about_scenario": ("测算方案", "Scenario"),
    "about_source": ("数据来源与假设（照录输入工作簿原文）",
                     "Sources and assumptions (quoted from the input workbook as entered)"),
    "about_ratio_mode": ("分担比例方式", "How the shares are set"),
    "about_equalisation": ("均衡性转移支付", "Equalisation"),
    "about_eta": ("倾斜力度 η", "Priority strength η"),
    "about_flags": ("重点地区上浮", "Priority-area uplift"),
    "about_termination": ("求解状态", "Solver status"),
    "about_versions": ("软件版本", "Software versions"),
    "about_input": ("输入文件哈希（SHA-256）", "Input file hash (SHA-256)"),
    "about_created": ("生成时间（UTC）", "Created (UTC)"),
    "about_money": ("金额单位", "Money"),
    "about_money_value": ("万元，保留两位小数。各地区各事项各年度的标准支出取至0.01万元，各级承担额"
                          "按最大余数法与之平衡；各表合计均为所列数之和，同一数额在各表中一致；"
                          "分组合计与不取整的结果之间可能有0.01万元级的尾差，各年度和规划期的总数为"
                          "不取整总数的四舍五入值。",
                          "10,000 yuan, two decimals. Each region's standard cost of an item in "
                          "a year is rounded to 0.01 and its parts balanced to it (largest "
                          "remainder); every total is the sum of the figures shown, the same on "
                          "every table; a group's total may differ from the unrounded one by a few "
                          "hundredths, and the totals of each year and of the period are the "
                          "unrounded ones rounded."),
    "about_precision": ("完整精度结果", "Full-precision results"),
    "about_precision_value": ("allocation.nc（元，不取整）", "allocation.nc (yuan, not rounded)"),
    "scope_province": ("全省", "Whole province"),
    "scenario": ("{ratio}，{equalisation}", "{ratio}; {equalisation}"),
    "ratio_optimise": ("省级分担比例在允许范围内优化确定", "provincial shares optimised within "
                       "their bounds"),
    "ratio_fixed": ("省级分担比例按固定比例", "fixed provincial shares"),
    "ratio_menu": ("省级分担比例从比例菜单中选定", "provincial shares chosen from the menu"),
    "equalisation_on": ("安排均衡性转移支付", "equalisation transfers on"),
    "equalisation_off": ("不安排均衡性转移支付", "no equalisation transfers"),
    "status_time_limit": ("达到时间上限", "time limit reached"),
    # console
    "console_head": ("{case}（{province}）：{scenario}，η = {eta}",
                     "{case} ({province}): {scenario}, η = {eta}"),
    "console_z": ("加权缺口 z1 = {z1:,.2f} 万元（按事项与地区优先权重加权）；"
                  "省级资金 z2 = {z2:,.2f} 万元",
                  "Weighted shortfall z1 = {z1:,.2f} (10,000 yuan, shortfalls summed with their "
                  "priority weights); provincial money z2 = {z2:,.2f} (10,000 yuan)"),
    "console_table": ("分年度省级资金（万元）", "Provincial money by year (10,000 yuan)"),
    "console_recipients": ("均衡性转移支付 {n} 个单位（万元）：{shown}{more}",
                           "Equalisation to {n} unit(s) (10,000 yuan): {shown}{more}"),
    "console_no_recipients": ("没有单位需要均衡性转移支付。", "No unit needs equalisation."),
    "console_shortfall": ("缺口（万元）：{}", "Shortfall (10,000 yuan): {}"),
    "console_more": ("，另有 {} 个", " (+{} more)"),
    "console_results": ("结果保存在 {}", "Results in {}"),
    "console_timing": ("用时：{}", "Timing: {}"),
    "timing_load": ("读取", "load"),
    "timing_solve": ("求解", "solve"),
    "timing_verify": ("校验", "verify"),
    "timing_write": ("写出", "write"),
    "files_written": ("已在 {folder} 写出 {n} 个文件", "{n} files written in {folder}"),
    # diagnosis
    "sheet_diagnosis": ("无解诊断", "Diagnosis"),
    "title_diagnosis": ("无可行解诊断", "why no allocation meets the binding items"),
    "diag_head": ("约束性事项无法全部足额保障，未生成支出责任表。",
                  "The binding items cannot all be met; no responsibility tables were written."),
    "diag_money": ("在现有预算和资金池之外，规划期内至少还需增加 {total:,.2f} 万元，分年度如下：",
                   "At least {total:,.2f} (10,000 yuan) more over the planning years would do it, "
                   "by year as follows:"),
    "diag_no_money": ("增加预算或资金池也无法满足：在允许的最高分担比例下，以下单位的地方部分仍超过"
                      "其可用财力。",
                      "No amount of budget or pool helps: even at the highest shares allowed, "
                      "these units' local parts exceed their usable capacity."),
    "diag_extra_budget": ("需增加的省级预算", "Extra provincial budget"),
    "diag_extra_pool": ("其中均衡性转移支付资金", "of which equalisation pool"),
    "diag_budget": ("可满足的省级预算", "Provincial budget that suffices"),
    "diag_pool": ("可满足的均衡性转移支付资金", "Equalisation pool that suffices"),
    "diag_alone": ("单独考虑该年所需最少增加", "Least extra if this year alone"),
    "diag_no_limit": ("不设上限", "no limit"),
    "diag_units": ("无法满足的单位、年度和事项", "Units, years and items that cannot be met"),
    "diag_local_part": ("地方部分", "Local part"),
    "diag_gap": ("超出可用财力", "Above capacity"),
    "diag_help": ("其他可行办法", "What else would help"),
    "diag_soft": ("若约束性事项改为预期性，将出现缺口的地区和事项",
                  "Where shortfalls would fall if the binding items were expected ones"),
    "diag_written": ("诊断已写入 {}", "Diagnosis written to {}"),
    "diag_by_year": ("分年度需增加的资金", "Extra money by year"),
    "diag_alone_head": ("若只有某一年受限，该年可满足的预算和资金池：",
                        "If only one year were limited, the budget and pool that suffice that "
                        "year:"),
    "diag_alone_row": ("{year}年：预算 {budget} 万元，资金池 {pool}",
                       "{year}: budget {budget}, pool {pool} (10,000 yuan)"),
    "diag_year_row": ("{year}年：增加预算 {extra:,.2f} 万元（其中均衡性资金 {pool_extra:,.2f} 万元），"
                      "即预算 {budget}、资金池 {pool}",
                      "{year}: {extra:,.2f} more budget (of which {pool_extra:,.2f} pool), that is "
                      "budget {budget} and pool {pool} (10,000 yuan)"),
    "diag_unit_row": ("{name}（{code}）{year}年：约束性事项地方部分 {local:,.2f} 万元，可用财力 "
                      "{capacity:,.2f} 万元；事项 {items}",
                      "{name} ({code}) {year}: local part of binding items {local:,.2f}, usable "
                      "capacity {capacity:,.2f} (10,000 yuan); items {items}"),
    "diag_soft_sentence": ("若约束性事项改为预期性，将有 {n} 处缺口，合计 {total:,.2f} 万元（见 "
                           "diagnosis.xlsx）。",
                           "If the binding items were expected ones, {n} shortfalls totalling "
                           "{total:,.2f} (10,000 yuan) would occur (see diagnosis.xlsx)."),
    "help_equalisation": ("开启均衡性转移支付（equalisation: on），由省级补足上述单位。",
                          "Turn equalisation on (equalisation: on) so the province can top up "
                          "the units named."),
    "help_fixed": ("提高分担比例表中相关档次、事项的省级分担比例，或改由模型优化确定比例"
                   "（ratio_mode: optimise）。",
                   "Raise the provincial share in the sharing sheet for those tiers and items, "
                   "or let the model set the shares (ratio_mode: optimise)."),
    "help_raise_max": ("提高较弱档次约束性事项的省级分担上限（事项：{}），由省级承担更多地方部分。",
                       "Raise the upper bound of the provincial share for the binding items of "
                       "the weaker tiers (items: {}), so the province bears more of the local "
                       "part."),
    "help_soft": ("或将相关事项改为预期性（binding = soft），允许出现缺口。",
                  "Or make those items expected ones (binding = soft) if a shortfall is "
                  "acceptable."),
    "diag_more_rows": ("（另有 {} 行未列出）", "({} more rows not shown)"),
    # compare
    "cmp_sheet_overview": ("概要", "Overview"),
    "cmp_sheet_provincial_money": ("省级资金", "Provincial money"),
    "cmp_sheet_shortfall_by_item": ("缺口（按项目）", "Shortfall by item"),
    "cmp_sheet_shortfall_by_tier": ("缺口（按档次）", "Shortfall by tier"),
    "cmp_sheet_equity": ("均等化指标", "Equity"),
    "cmp_sheet_transfers": ("转移支付对比", "Transfers"),
    "cmp_sheet_shortfall_by_flag": ("缺口（按地区类型）", "Shortfall by flag"),
    "cmp_sheet_transfer_by_tier": ("资金流向（按档次）", "Money by tier"),
    "cmp_title_shortfall_by_flag": ("分地区类型保障缺口对比", "shortfall by kind of region"),
    "cmp_title_transfer_by_tier": ("分档次省级资金流向对比", "provincial money by tier"),
    "cmp_group": ("地区类型", "Kind of region"),
    "cmp_regions": ("地区数", "Regions"),
    "cmp_baseline_share": ("现行：占比", "Status quo: share"),
    "cmp_optimised_share": ("优化：占比", "Optimised: share"),
    "cmp_tier_prefecture": ("有县的市州（本级）", "Prefectures with counties"),
    "cmp_group_poverty_exited": ("脱贫地区", "Formerly poor"),
    "cmp_group_ethnic": ("民族地区", "Ethnic-minority areas"),
    "cmp_group_border": ("边境地区", "Border areas"),
    "cmp_group_old_revolutionary": ("革命老区", "Old revolutionary bases"),
    "cmp_group_no_flag": ("其他地区", "None of these"),
    "cmp_group_all": ("全部地区", "All regions"),
    "cmp_title_overview": ("优化方案与现行办法对比概要", "optimised allocation against the status quo"),
    "cmp_title_provincial_money": ("分年度省级资金对比", "provincial money by year"),
    "cmp_title_shortfall_by_item": ("分项目保障缺口对比", "shortfall by item"),
    "cmp_title_shortfall_by_tier": ("分档次保障缺口对比", "shortfall by tier"),
    "cmp_title_equity": ("均等化指标对比", "equity metrics"),
    "cmp_title_transfers": ("分单位省级转移支付对比（规划期合计）",
                            "provincial transfers by unit (planning years)"),
    "cmp_year": ("年度", "Year"),
    "cmp_item": ("项目编码", "Item code"),
    "cmp_item_name": ("项目名称", "Item"),
    "cmp_binding": ("约束性质", "Binding"),
    "cmp_tier": ("档次", "Tier"),
    "cmp_unit": ("单位编码", "Unit code"),
    "cmp_unit_name": ("单位名称", "Unit"),
    "cmp_unit_level": ("层级", "Level"),
    "cmp_population": ("常住人口", "Population"),
    "cmp_fiscal_capacity": ("可用财力", "Usable capacity"),
    "cmp_standard_cost": ("标准支出", "Standard cost"),
    "cmp_baseline": ("现行办法", "Status quo"),
    "cmp_optimised": ("优化方案", "Optimised"),
    "cmp_difference": ("差额（优化－现行）", "Difference (optimised − status quo)"),
    "cmp_baseline_co_financing": ("现行：共同事权补助", "Status quo: co-financing"),
    "cmp_baseline_equalisation": ("现行：均衡性转移支付", "Status quo: equalisation"),
    "cmp_baseline_total": ("现行：合计", "Status quo: total"),
    "cmp_optimised_co_financing": ("优化：共同事权补助", "Optimised: co-financing"),
    "cmp_optimised_equalisation": ("优化：均衡性转移支付", "Optimised: equalisation"),
    "cmp_optimised_total": ("优化：合计", "Optimised: total"),
    "cmp_metric": ("指标", "Metric"),
    "cmp_baseline_before": ("现行：省级转移前", "Status quo: before provincial transfers"),
    "cmp_baseline_after": ("现行：省级转移后", "Status quo: after provincial transfers"),
    "cmp_optimised_before": ("优化：省级转移前", "Optimised: before provincial transfers"),
    "cmp_optimised_after": ("优化：省级转移后", "Optimised: after provincial transfers"),
    "cmp_difference_after": ("转移后差值（优化－现行）", "After: optimised − status quo"),
    "cmp_figure": ("项目", "Figure"),
    "cmp_fig_provincial_money": ("省级资金合计（z2）", "Provincial money (z2)"),
    "cmp_fig_co_financing": ("其中：共同事权补助", "of which co-financing"),
    "cmp_fig_equalisation": ("其中：均衡性转移支付", "of which equalisation"),
    "cmp_fig_shortfall": ("保障缺口合计", "Shortfall against the standards"),
    "cmp_fig_hard_shortfall": ("其中：约束性项目缺口", "of which binding items"),
    "cmp_fig_weighted_shortfall": ("加权缺口 z1", "Weighted shortfall z1"),
    "cmp_fig_cost_at_eta_zero": ("η = 0 时的省级资金", "Provincial money at η = 0"),
    "cmp_fig_price_of_equity": ("公平的代价（z2(η) − z2(0)）", "Price of equity (z2(η) − z2(0))"),
    "cmp_z1_note": ("加权缺口 z1 为各项缺口按事项与地区优先权重加权的合计，单位万元。",
                    "The weighted shortfall z1 is the shortfalls summed with their priority "
                    "weights (item and region), in 10,000 yuan."),
    "cmp_flag_note": ("一个地区可属于多个类型（如既是脱贫县又是民族地区），各类型的数不能简单相加，"
                      "以“全部地区”一行为准。",
                      "A region may belong to several groups (e.g. both poverty-exited and "
                      "ethnic), so the groups' figures do not add up: the row of all regions "
                      "holds the totals."),
    "cmp_money_note": ("金额为万元，保留两位小数，按各地区各事项各年度取整后汇总，与测算结果工作簿"
                       "一致；同一数额在各表中相同，分组合计与不取整的结果之间可能有0.01万元级的尾差。",
                       "Money in 10,000 yuan to two decimals, summed from each region's items "
                       "and years as rounded, as in the run's workbooks: a figure is the same "
                       "on every sheet; a group's total may differ from the unrounded one by a few "
                       "hundredths."),
    "cmp_price_note": ("公平的代价：向财力较弱地区倾斜（η）比不倾斜（η = 0）多需的省级资金。",
                       "Price of equity: the provincial money that priority for poorer areas "
                       "(η) costs over none (η = 0)."),
    "cmp_line_money": ("省级资金（万元）：现行办法 {base}，优化方案 {opt}，差额 {diff}",
                       "Provincial money (10,000 yuan): status quo {base}, optimised {opt}, "
                       "difference {diff}"),
    "cmp_line_shortfall": ("保障缺口（万元）：现行办法 {base}，优化方案 {opt}",
                           "Shortfall (10,000 yuan): status quo {base}, optimised {opt}"),
    "cmp_line_z1": ("加权缺口 z1（万元，按事项与地区优先权重加权）：现行办法 {base}，优化方案 {opt}",
                    "Weighted shortfall z1 (10,000 yuan, shortfalls summed with their priority "
                    "weights, item and region): status quo {base}, optimised {opt}"),
    "cmp_line_gini": ("省级转移后人均资金基尼系数：现行办法 {base:.4f}，优化方案 {opt:.4f}"
                      "（转移前 {before:.4f}）",
                      "Gini of per-capita funding after transfers: status quo {base:.4f}, "
                      "optimised {opt:.4f} (before transfers {before:.4f})"),
    "cmp_line_price": ("公平的代价（万元）：{}", "Price of equity (10,000 yuan): {}"),
    "cmp_line_hard": ("现行办法下部分约束性事项存在缺口，详见 compare.xlsx。",
                      "Under the status quo some binding items fall short; see compare.xlsx."),
    "cmp_written": ("已写入 {}", "Written to {}"),
    # `fiscalshare template`, `init`, `example`
    "template_written": ("{out}：请从第 3 行起填写各表，然后运行 {command}",
                         "{out}: fill in the sheets from row 3, then run {command}"),
    "init_written": ("{folder}：示例案例（每表一个文件的文件夹，以及工作簿）在 {inputs}，模型配置在 {models}",
                     "{folder}: examples in {inputs} (CSV folders and .xlsx), configurations in "
                     "{models}"),
    "init_next": ("下一步：{command}", "next: {command}"),
    "example_synthetic": ("{out}：县 {regions} 个，项目 {items} 个，{years} 年（随机种子 {seed}）",
                          "{out}: {regions} counties, {items} items, {years} years (seed {seed})"),
    "example_copied": ("{out}：内置示例 {variant}", "{out}: the {variant} example"),
    # `fiscalshare validate`
    "validate_valid": ("{path}：测算案例 '{case}'（{province}）有效",
                       "{path}: valid case '{case}' ({province})"),
    "validate_regions": ("  受益地区 {receiving} 个，下辖县的市州 {prefectures} 个，项目 {items} 个，"
                         "年度 {first}—{last}，财力档次 {tiers}",
                         "  {receiving} receiving regions, {prefectures} prefectures with counties, "
                         "{items} items, years {first}–{last}, tiers {tiers}"),
    "validate_items": ("  约束性项目 {hard} 个，预期性项目 {soft} 个；警告 {warnings} 条",
                       "  {hard} hard and {soft} soft items; {warnings} warning(s)"),
    "validate_cost": ("  标准支出（万元）：{costs}", "  standard cost (10,000 yuan): {costs}"),
    "cmp_plot_baseline": ("现行办法", "status quo"),
    "cmp_plot_optimised": ("优化方案", "optimised"),
    "cmp_plot_baseline_before": ("现行：省级转移前", "status quo, before provincial transfers"),
    "cmp_plot_transfers_title": ("各单位省级资金（规划期合计）",
                                 "Provincial money per spending unit, all years"),
    "cmp_plot_transfers_title_most": ("省级资金变化最大的{}个单位（规划期合计）",
                                      "The {} spending units whose provincial money changes "
                                      "most, all years"),
    "cmp_plot_money_axis": ("万元", "10,000 yuan"),
    "cmp_plot_funding_title": ("人均基本公共服务资金与人均财力", "Per-capita funding against capacity"),
    "cmp_plot_funding_x": ("人均可用财力（元/人/年）", "Fiscal capacity per capita (yuan/person/year)"),
    "cmp_plot_funding_y": ("人均资金（元/人/年）", "Funding per capita (yuan/person/year)"),
    "cmp_plot_shortfall_title": ("各项目保障缺口（规划期合计）", "Shortfall by item, all years"),
    "cmp_plot_shortfall_by_tier": ("各档地区保障缺口（规划期合计，万元）",
                                   "Shortfall by tier, all years (10,000 yuan)"),
    "cmp_plot_money_by_tier": ("各档地区得到的省级资金（规划期合计，万元）",
                               "Provincial money reaching each tier, all years (10,000 yuan)"),
    "cmp_plot_strongest": ("财力最强", "strongest"),
    "cmp_plot_weakest": ("财力最弱", "weakest"),
    "cmp_plot_no_money": ("无省级资金", "no provincial money"),
    "cmp_plot_prefecture": ("市州本级", "prefectures\n(own level)"),
    # plots
    "plot_transfer_title": ("人均省级转移支付与人均可用财力", "Provincial transfer vs capacity per capita"),
    "plot_capacity_axis": ("人均可用财力（元/人/年）", "Capacity per capita (yuan/person/year)"),
    "plot_transfer_axis": ("人均省级转移支付（元/人/年）", "Provincial transfer per capita (yuan/person/year)"),
    "plot_shares_title": ("各地区分层级支出结构", "Who pays, by region"),
    "plot_shares_axis": ("占标准支出比例", "Share of standard cost"),
    "plot_shortfall_title": ("分事项缺口", "Shortfall by item"),
    "plot_shortfall_axis": ("缺口（万元）", "Shortfall (10,000 yuan)"),
    # what-if sweeps (sweep.xlsx, sweep plots, console)
    "sweep_sheet_scenarios": ("情景", "Scenarios"),
    "sweep_sheet_tornado": ("敏感性", "Tornado"),
    "verify_fails": ("{run} 未通过核验（{n} 项发现）：", "{run} fails the audit ({n} finding(s)):"),
    "verify_ok_run": ("{run}：文件、输入和每一项约束均核验无误。",
                      "{run}: files, input and every constraint check out."),
    "verify_ok_compare": ("{run}：文件、输入、优化方案的约束、现行办法的测算和 compare.xlsx 均核验无误。",
                          "{run}: files, input, the optimum's constraints, the status quo and "
                          "compare.xlsx check out."),
    "verify_ok_sweep": ("{run}：情景分析的文件、输入、各情景及抽样重解的结果均核验无误。",
                        "{run}: sweep files, input, scenarios and the figures solved again "
                        "check out."),
    "sweep_title": ("基本公共服务支出责任情景分析", "what-if scenarios"),
    "sweep_interrupted": ("已中断：已完成的情景均已保留；继续请运行 fiscalshare sweep --resume {}",
                          "Interrupted: finished scenarios are kept; continue with "
                          "fiscalshare sweep --resume {}"),
    "sweep_about_model": ("模型", "Model"),
    "sweep_about_config": ("模型配置", "Model configuration"),
    "sweep_about_keys": ("变动的变量", "Varied keys"),
    "sweep_about_scenarios": ("情景数", "Scenarios"),
    "sweep_about_baseline": ("基准求解状态", "Baseline status"),
    "sweep_sheet_keys": ("变量说明", "Keys"),
    "sweep_scenario": ("情景编号", "Scenario"),
    "sweep_name": ("情景", "Name"),
    "sweep_status": ("状态", "Status"),
    "sweep_z1": ("加权缺口 z1（万元）", "Weighted shortfall z1 (10k yuan)"),
    "sweep_z1_change": ("z1 较基准变化（万元）", "z1 vs baseline (10k yuan)"),
    "sweep_z2": ("省级支出 z2（万元）", "Provincial money z2 (10k yuan)"),
    "sweep_z2_change": ("z2 较基准变化（万元）", "z2 vs baseline (10k yuan)"),
    "sweep_money_year": ("{}年省级支出（万元）", "Provincial money {} (10k yuan)"),
    "sweep_equalisation": ("均衡性转移支付（万元）", "Equalisation (10k yuan)"),
    "sweep_shortfall_domain": ("{}缺口（万元）", "Shortfall {} (10k yuan)"),
    "sweep_regions_short": ("存在缺口的地区数", "Regions short"),
    "sweep_extra_money": ("至少需增加预算（万元）", "Least extra budget (10k yuan)"),
    "sweep_message": ("说明", "Message"),
    "sweep_baseline": ("基准", "baseline"),
    "sweep_baseline_name": ("原始案例", "the case as given"),
    "sweep_key": ("变量", "Key"),
    "sweep_meaning": ("含义", "Meaning"),
    "sweep_no_effect": ("无影响（原因）", "No effect (why)"),
    "status_optimal": ("已求解", "solved"),
    "status_infeasible": ("不可行", "infeasible"),
    "status_limit": ("超时", "time limit"),
    "status_invalid": ("输入无效", "invalid"),
    "status_failed": ("失败", "failed"),
    "status_missing": ("未完成", "missing"),
    "plot_sweep_title": ("省级支出随 {} 的变化", "Provincial money as {} varies"),
    "plot_sweep_infeasible": ("不可行（标注：至少需增加预算，万元）",
                              "infeasible (label: least extra budget, 10k yuan)"),
    "tornado_input": ("变动项", "Input"),
    "tornado_low": ("−10% 时 z2（万元）", "z2 at −10% (10k yuan)"),
    "tornado_high": ("+10% 时 z2（万元）", "z2 at +10% (10k yuan)"),
    "tornado_low_change": ("−10% 较基准（万元）", "Change at −10% (10k yuan)"),
    "tornado_high_change": ("+10% 较基准（万元）", "Change at +10% (10k yuan)"),
    "tornado_title": ("敏感性：各分担比例、标准和预算变动 ±10% 时的省级支出",
                      "Tornado: provincial money with each share, standard and the budget ±10 %"),
    "tornado_axis": ("省级支出较基准变化（万元）", "Change of provincial money from the baseline "
                     "(10k yuan)"),
    "tornado_shares": ("第{}档分担比例", "Shares of tier {}"),
    "tornado_standard": ("标准 {}", "Standard {}"),
    "tornado_budget": ("省级预算", "Provincial budget"),
    "key_province_share": ("省级分担比例", "the provincial share"),
    "key_province_min": ("省级分担比例下限", "the lower bound of the provincial share σ"),
    "key_province_max": ("省级分担比例上限", "the upper bound of the provincial share σ"),
    "key_prefecture_share": ("市级分担比例π", "the prefecture share π of a county's local part"),
    "key_budget": ("省级预算（元或倍数）", "the provincial budget B (yuan or a factor)"),
    "key_pool": ("均衡性转移支付资金池（元或倍数）", "the equalisation pool E (yuan or a factor)"),
    "key_standard": ("国家基础标准（倍数）", "the national standard q (a factor)"),
    "key_eta": ("优先强度η", "the priority strength η"),
    "key_central_tier": ("中央分档（1–5）", "the province's central tier (1–5)"),
    "key_capacity": ("可用财力（倍数，减收情形）", "fiscal capacity (a factor: a revenue shortfall)"),
    "key_beneficiaries": ("受益人数（倍数）", "beneficiaries N (a factor)"),
    "meaning_key": ("{}：{}", "{}: {}"),
    "meaning_fixed_share": ("{}：固定比例模式下，省级分担比例直接取各值",
                            "{}: the provincial share used by the fixed ratio mode is set to each "
                            "value"),
    "meaning_pin": ("{}：{}模式下省级分担比例由模型决定，每个取值将其固定（上下限均设为该值），"
                    "其余比例继续优化",
                    "{}: in {} mode the provincial share is a decision, so each value pins it "
                    "(lower = upper bound = the value) and the model optimises every other share"),
    "meaning_bounds_fixed": ("{}：固定比例模式下分担比例为给定数据，上下限只在移动固定比例时起作用",
                             "{}: in fixed mode the shares are data; the bounds change nothing "
                             "unless they move the fixed share (it is kept inside them)"),
    "no_effect_console": ("{}：无影响——{}", "{}: no effect — {}"),
    "noeffect_limit": ("该限额从未约束：各取值下省级支出均低于限额（或该年度无限额）",
                       "the limit never binds: the province spends less than every value (or "
                       "the year has no limit to change)"),
    "noeffect_eta": ("没有缺口，优先权重（η）不影响最优解",
                     "nothing falls short, so the priority weights (η) cannot change the optimum"),
    "noeffect_bounds_fixed": ("固定比例模式下分担比例为给定数据，包含固定比例的上下限不起作用",
                              "in fixed mode the shares are data; bounds that keep the fixed share "
                              "change nothing"),
    "noeffect_bounds": ("最优分担比例在各取值的范围之内，该界限从未约束",
                        "the optimal shares lie inside every value of the bound, so it never "
                        "binds"),
    "noeffect_prefecture": ("只在市县之间转移地方负担，均衡性转移支付以相同的省级成本吸收",
                            "it only moves local parts between prefecture and county, which the "
                            "equalisation transfers absorb at the same provincial cost"),
    "noeffect_capacity": ("各取值下没有单位的财力受约束：地方负担均可承受",
                          "no unit's capacity binds at any value: every local part stays "
                          "affordable"),
    "noeffect_other": ("各取值下最优解相同", "the optimum is the same at every value"),
    "sweep_summary": ("共 {} 个情景：{} 个已求解，{} 个不可行或失败，{} 个此前已完成。结果在 {}",
                      "{} scenarios: {} solved, {} infeasible or failed, {} already done. "
                      "Results in {}"),
    "sheet_prices_items": ("标准边际成本", "Price of standards"),
    "sheet_prices_units": ("财力边际价值", "Value of capacity"),
    "price_rise": ("标准提高1%省级支出增加（万元）", "z2 for +1 % of the standard (10k yuan)"),
    "price_per_yuan": ("每增加1元标准支出省级需出资（元）",
                       "Provincial yuan per extra yuan of standard cost"),
    "price_capacity_year": ("{}年每增加1元财力省级节省（元）",
                            "Saved per extra yuan of capacity in {} (yuan)"),
    "price_capacity_total": ("每年各增加1元财力合计节省（元）",
                             "Saved per extra yuan of capacity in every year (yuan)"),
    "plot_prices_items_title": ("各事项标准的边际成本", "What one more yuan of standard costs the "
                                "province"),
    "plot_prices_units_title": ("各单位财力的边际价值（前20）", "What one more yuan of capacity "
                                "saves the province (top 20)"),
    "prices_unavailable": ("存在缺口（z1>0），边际价格不适用：请先求解无缺口的情形",
                           "Something falls short (z1 > 0): the prices of standards and capacity "
                           "apply only where nothing does"),
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
    # progress of a long solve (report/progress.py)
    "progress_stage1": ("第一阶段（最小化加权缺口）", "stage 1 (least weighted shortfall)"),
    "progress_stage2": ("第二阶段（最小化省级支出）", "stage 2 (least provincial money)"),
    "progress_benders": ("第一阶段·按年分解", "stage 1, years decomposed"),
    "progress_boxed": ("第一阶段·全模型", "stage 1, whole model"),
    "progress_elapsed": ("已用 {:.0f} 秒", "{:.0f} s"),
    "progress_objective": ("目标值 {:.6g}", "objective {:.6g}"),
    "progress_gap": ("相对差距 {:.2e}", "gap {:.2e}"),
    "progress_infeasibility": ("不可行度 {:.2e}", "infeasibility {:.2e}"),
    "progress_iterations": ("迭代 {}", "iterations {}"),
}

# values that come from the data or the configuration, with their English
VALUES: dict[str, str] = {
    "幼有所育": "Childcare", "学有所教": "Education", "劳有所得": "Employment",
    "病有所医": "Health care", "老有所养": "Elderly care", "住有所居": "Housing",
    "弱有所扶": "Support for the vulnerable", "优军服务保障": "Services for veterans",
    "文体服务保障": "Culture and sports", "约束性": "binding", "预期性": "expected",
}


def label(key: str, lang: str = "zh") -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def text_of(value, lang: str = "zh") -> str:
    """A data value in the output language (names and codes stay as they are)."""
    value = str(value)
    return VALUES.get(value, value) if lang == "en" else value


def status_text(status, lang: str = "zh") -> str:
    key = "status_" + str(status).strip().lower().replace(" ", "_")
    if key in LABELS:
        return label(key, lang)
    return str(status)


def setting(config, key: str, default=None):
    """A configuration value, whether the configuration is a mapping or a typed object."""
    if config is None:
        return default
    if hasattr(config, "get"):
        return config.get(key, default)
    return getattr(config, key, default)


def scenario_text(config, lang: str = "zh") -> str:
    ratio = str(setting(config, "ratio_mode", "optimise"))
    equalisation = str(setting(config, "equalisation", "on"))
    ratio_key = f"ratio_{ratio}" if f"ratio_{ratio}" in LABELS else "ratio_optimise"
    equal_key = f"equalisation_{equalisation}" if f"equalisation_{equalisation}" in LABELS \
        else "equalisation_on"
    return label("scenario", lang).format(ratio=label(ratio_key, lang),
                                          equalisation=label(equal_key, lang))
