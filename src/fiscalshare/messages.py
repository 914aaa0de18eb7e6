"""The Chinese face of the messages about bad input, options and output folders.

The English text built where a problem is found stays the message's identity (the library API
and the tests hold it exactly); this catalogue renders it in Chinese at the edge, when a command
prints it.  Each entry is a pattern over the English message, with named groups, and its Chinese
template.  Groups named ``found…`` (what a cell held), ``expected…`` (what it should hold) and
``message…`` (a nested message) are translated in turn; every other group is a name, a code or a
number from the input and is kept as it is.  A message no entry matches is shown in English:
tests/test_messages.py holds every message the fixtures produce to some entry.
"""

from __future__ import annotations

import re
from typing import Protocol


class _Located(Protocol):
    sheet: str
    message: str
    row: int | None
    column: str | None
    cell: str | None


class _Catalogue:
    """(pattern, Chinese template) pairs, the patterns compiled when first used: compiling all of
    them costs 15 ms, which every command would pay at start even when it prints no message."""

    def __init__(self, entries: list[tuple[str, str]]):
        self._entries = entries
        self._compiled: list[tuple[re.Pattern, str]] | None = None

    def __iter__(self):
        if self._compiled is None:
            self._compiled = [(re.compile(pattern, re.DOTALL), chinese)
                              for pattern, chinese in self._entries]
        return iter(self._compiled)


# what a cell held (io/convert.py's descriptions)
FOUND = _Catalogue([
    (r"a date (?P<date>\S+)", "日期 {date}"),
    (r"nothing", "空白"),
    (r"an Excel error", "Excel 错误值"),
    (r"the character U\+(?P<point>[0-9A-F]+) at position (?P<position>\d+) \(control characters "
     r"and non-characters are not allowed\)", "第 {position} 个字符 U+{point}（不允许控制字符和非字符）"),
    (r"(?P<count>\d+) characters", "{count} 个字符"),
    (r"(?P<value>'.*'|\".*\"|[-+]?[\d.,]+(?:e[-+]?\d+)?|[-+]?inf|nan|True|False|None)", "{value}"),
    (r"(?P<type>list|int|float|str|bool|NoneType)", "{type}"),
])

# what a cell should hold (io/schema.py Column.expected, config.py)
EXPECTED = _Catalogue([
    (r"an integer (?P<low>-?\d+)\.\.(?P<high>-?\d+)", "{low} 至 {high} 之间的整数"),
    (r"an integer ≥ (?P<low>-?\d+)", "不小于 {low} 的整数"),
    (r"an integer", "整数"),
    (r"a year within meta's first_year\.\.last_year",
     "介于 meta 中 first_year 与 last_year 之间的年份"),
    (r"a number in \[(?P<low>[^,\]]+), (?P<high>[^\]]+)\]", "[{low}, {high}] 之间的数"),
    (r"0 or 1", "0 或 1"),
    (r"on or off", "on 或 off"),
    (r"one of (?P<choices>.+) or nothing", "以下之一或空白：{choices}"),
    (r"one of (?P<choices>.+)", "以下之一：{choices}"),
    (r"a number > 0 and ≤ (?P<high>\S+)", "大于 0 且不大于 {high} 的数"),
    (r"a number > 0", "大于 0 的数"),
    (r"a number ≥ (?P<low>\S+) and ≤ (?P<high>\S+)", "不小于 {low} 且不大于 {high} 的数"),
    (r"a number ≥ (?P<low>\S+)", "不小于 {low} 的数"),
    (r"a number ≤ (?P<high>\S+)", "不大于 {high} 的数"),
    (r"a number", "数"),
    (r"a code \(text, at most (?P<most>\d+) characters, no control characters\)",
     "代码（文本，至多 {most} 个字符，不含控制字符）"),
    (r"text without control characters", "不含控制字符的文本"),
    (r"seconds > 0 or nothing", "大于 0 的秒数或空白"),
    (r"a whole number ≥ (?P<low>\d+)", "不小于 {low} 的整数"),
    (r"a mapping flag → number ≥ 0", "标志 → 不小于 0 的数 的映射"),
    (r"a mapping of keys to values", "键到值的映射"),
])

# HiGHS's words for a model status at a limit
STATUS = _Catalogue([
    (r"Time limit reached", "达到时间上限"),
    (r"Iteration limit reached", "达到迭代上限"),
    (r"Solution limit reached", "达到解个数上限"),
    (r"Interrupted by user", "被用户中断"),
    (r"(?P<word>.+)", "{word}"),  # a status HiGHS may add later: its own word, as it says it
])

# what a sweep key's selector may be (sweep/scenarios.py), one part of "expected …; …" each
SELECTORS = _Catalogue([
    (r"tiers (?P<tiers>.+)", "档次 {tiers}"),
    (r"item codes \((?P<items>.*)\) or domains", "项目代码（{items}）或领域"),
    (r"years (?P<years>.+)", "年份 {years}"),
    (r"prefecture codes", "市州代码"),
])

_ACCEPTED = (r"accepted keys: (?P<keys>.+) — narrow one with :t<tier>, :<item code>, :<domain> or "
             r":<year>, e\.g\. (?P<example>\S+)")
_ACCEPTED_ZH = "可用的键：{keys}——可用 :t<档次>、:<项目代码>、:<领域> 或 :<年份> 限定范围，例如 {example}"

# what the independent check of a solution finds (analysis/verify.py): each statement of the
# model, and the lines around the statements
STATEMENTS = _Catalogue([
    (r"constraint 1 \(u ≤ \(1 − σ\)·D\)", "约束 1（u ≤ (1 − σ)·D）"),
    (r"constraint 2 \(affordability\)", "约束 2（负担能力）"),
    (r"constraint 3 \(provincial budget\)", "约束 3（省级预算）"),
    (r"constraint 4 \(equalisation pool\)", "约束 4（均衡性转移支付资金池）"),
    (r"constraint 5 \(a poorer tier has a smaller provincial share\)",
     "约束 5（财力较弱的档次省级分担比例反而较小）"),
    (r"constraint 6 \(hard items have no shortfall\)", "约束 6（约束性事项不得有缺口）"),
    (r"funding \+ shortfall ≠ standard cost", "资金 + 缺口 ≠ 标准支出"),
    (r"standard_cost ≠ N·q·λ·κ", "standard_cost ≠ N·q·λ·κ"),
    (r"central funding ≠ θ·N·q·κ", "中央资金 ≠ θ·N·q·κ"),
    (r"provincial funding ≠ σ·D", "省级资金 ≠ σ·D"),
    (r"prefecture part ≠ π·L for a county, L otherwise", "市级部分 ≠ π·L（县），或 ≠ L（其他）"),
    (r"county part ≠ \(1 − π\)·L for a county, 0 otherwise",
     "县级部分 ≠ (1 − π)·L（县），或 ≠ 0（其他）"),
    (r"burden ≠ the unit's share of local parts", "单位负担 ≠ 该单位应承担的地方部分"),
    (r"transfer ≠ co-financing \+ equalisation", "转移支付 ≠ 共同财政事权补助 + 均衡性转移支付"),
    (r"equalisation is off but e ≠ 0", "未启用均衡性转移支付，但 e ≠ 0"),
    (r"equalisation ≥ 0", "均衡性转移支付 ≥ 0"),
    (r"shortfall ≥ 0", "缺口 ≥ 0"),
    (r"fiscal_capacity ≠ the inputs' capacity", "fiscal_capacity ≠ 输入的财力"),
    (r"priority_weight ≠ W·ω", "priority_weight ≠ W·ω"),
    (r"σ below province_min", "σ 低于 province_min"),
    (r"σ above province_max", "σ 高于 province_max"),
    (r"fixed mode: σ ≠ province_share", "固定比例模式：σ ≠ province_share"),
    (r"province_rule fixed: σ ≠ province_share", "省级分担方式固定的事项：σ ≠ province_share"),
    (r"menu mode: σ is not a ratio_menu share", "比例档位模式：σ 不是 ratio_menu 中的比例"),
])

VIOLATIONS = _Catalogue([
    (r"(?P<statement>.+): (?P<n>\d+) row\(s\) violated, worst by (?P<worst>\S+) yuan beyond "
     r"the tolerance", "{statement}：{n} 行不满足，最多超出容差 {worst} 元"),
    (r"(?P<statement>.+): (?P<n>\d+) row\(s\) violated, worst by (?P<worst>\S+) relative "
     r"beyond the tolerance", "{statement}：{n} 行不满足，最多超出容差 {worst}（相对值）"),
    (r"(?P<statement>.+): (?P<n>\d+) row\(s\) violated, worst by (?P<worst>\S+) beyond the "
     r"tolerance", "{statement}：{n} 行不满足，最多超出容差 {worst}"),
    (r"results lack the variable\(s\) (?P<names>.+)", "结果缺少变量 {names}"),
    (r"results' (?P<dim>\w+) coordinate differs from the inputs'",
     "结果的 {dim} 坐标与输入的不同"),
    (r"(?P<name>\w+): its shape differs from the case's", "{name}：形状与案例的不同"),
    (r"(?P<name>\w+): differs from the case's", "{name}：与案例的不同"),
    (r"z(?P<k>[12]) recomputed from the allocation \((?P<value>[^)]*)\) differs from the stored "
     r"(?P<name>\w+) \((?P<stored>[^)]*)\)",
     "由分配结果重算的 z{k}（{value}）与记录的 {name}（{stored}）不同"),
    (r"(?P<name>\w+) should be NaN where z1 (?P<op>[=>]) 0", "z1 {op} 0 时 {name} 应为 NaN"),
])

# whole messages
MESSAGES = _Catalogue([
    # what `fiscalshare verify` finds (runs/audit.py, sweep/audit.py)
    (r"(?P<name>[^:]+): listed in manifest\.json but missing",
     "{name}：manifest.json 中列有此文件，但文件不存在"),
    (r"(?P<name>[^:]+): altered \(sha256 differs from manifest\.json\)",
     "{name}：已被改动（sha256 与 manifest.json 不符）"),
    (r"(?P<name>[^:]+): not written by the run \(absent from manifest\.json\)",
     "{name}：不是本次测算写出的文件（manifest.json 中没有）"),
    (r"(?P<name>[^:]+): not written by the sweep \(absent from manifest\.json\)",
     "{name}：不是本次情景分析写出的文件（manifest.json 中没有）"),
    (r"(?P<name>[^:]+): the run writes it, but it is missing \(and not listed\)",
     "{name}：测算应写出此文件，但文件不存在（且未列入清单）"),
    (r"(?P<name>[^:]+): not a file this run writes", "{name}：不是本次测算会写出的文件"),
    (r"(?P<name>[^:]+): missing", "{name}：文件不存在"),
    (r"(?P<run>.+): no manifest\.json: not a fiscalshare run folder, or it was removed",
     "{run}：没有 manifest.json，不是 fiscalshare 的结果文件夹，或已被删除"),
    (r"input (?P<case>.+): sha256 differs from the one the run solved",
     "输入 {case}：sha256 与测算时所用的输入不符"),
    (r"input (?P<case>.+): not found; give the case with --case to re-check the constraints",
     "输入 {case}：找不到；请用 --case 指定测算案例，以便重新校验约束"),
    (r"constraint: (?P<violation>.+)", "约束不满足：{violation}"),
    # what-if sweeps (sweep/)
    (r"unknown key (?P<name>.+); " + _ACCEPTED, "未知的键 {name}；" + _ACCEPTED_ZH),
    (r"(?P<option>.+): expected KEY=VALUES; " + _ACCEPTED, "{option}：应为 KEY=VALUES；" + _ACCEPTED_ZH),
    (r"nothing to sweep: give --vary KEY=VALUES, --file SWEEP\.yaml, --tornado or --prices; "
     + _ACCEPTED, "没有可测算的情景：请给出 --vary KEY=VALUES、--file SWEEP.yaml、--tornado 或 "
     "--prices；" + _ACCEPTED_ZH),
    (r"(?P<key>\S+): (?P<selector>'.*') is not a selector of (?P<name>\w+); (?P<name2>\w+) takes "
     r"no selector", "{key}：{selector} 不是 {name} 的限定符；{name2} 不带限定符"),
    (r"(?P<key>\S+): (?P<selector>'.*') is not a selector of (?P<name>\w+); expected "
     r"(?P<selectors>.+)", "{key}：{selector} 不是 {name} 的限定符；应为{selectors}"),
    (r"(?P<key>\S+): 'none' \(no limit\) applies only to budget and pool",
     "{key}：'none'（不设上限）只适用于 budget 和 pool"),
    (r"(?P<key>\S+): (?P<raw>'.*') is not a number or a factor such as x1\.1",
     "{key}：{raw} 既不是数，也不是 x1.1 这样的倍数"),
    (r"(?P<key>\S+): expected a finite number ≥ 0, found (?P<raw>'.*')",
     "{key}：应为不小于 0 的有限数，实际为 {raw}"),
    (r"(?P<key>\S+): (?P<name>\w+) takes a number, not a factor, found (?P<raw>'.*')",
     "{key}：{name} 取数值而非倍数，实际为 {raw}"),
    (r"(?P<key>\S+): give (?P<name>\w+) as a factor of the case's own, e\.g\. x1\.05 "
     r"\(found (?P<raw>'.*')\)", "{key}：{name} 请以相对于案例原值的倍数给出，如 x1.05（实际为 {raw}）"),
    (r"(?P<key>\S+): a share lies in \[0, 1\], found (?P<raw>'.*')",
     "{key}：比例应在 [0, 1] 之内，实际为 {raw}"),
    (r"(?P<key>\S+): the central tier is one of 1, 2, 3, 4, 5, found (?P<raw>'.*')",
     "{key}：中央分档为 1、2、3、4、5 之一，实际为 {raw}"),
    (r"(?P<key>\S+): given twice; give all its values in one --vary, e\.g\. (?P<example>\S+) "
     r"\(a grid over one key\)", "{key}：给了两次；请在一个 --vary 中给出它的全部取值，如 {example}（同一个键上的网格）"),
    (r"(?P<key>\S+): no values given", "{key}：没有给出取值"),
    (r"--zip pairs the i-th values of every key, so every key needs as many values; found "
     r"(?P<counts>.+)", "--zip 把各键的第 i 个取值配成一组，因此每个键的取值个数须相同；实际为 {counts}"),
    (r"expected a mapping with 'vary:' \(key → list of values, optionally 'zip: true'\) or "
     r"'scenarios:' \(name → \{key: value\}\)",
     "应为含 'vary:'（键 → 取值列表，可加 'zip: true'）或 'scenarios:'（名称 → {{键: 值}}）的映射"),
    (r"unknown entry (?P<entry>.+); expected vary, zip or scenarios",
     "未知条目 {entry}；应为 vary、zip 或 scenarios"),
    (r"scenarios: expected name → \{key: value, …\}", "scenarios：应为 名称 → {{键: 值, …}}"),
    (r"scenario (?P<name>'.*'): expected \{key: value, …\}", "情景 {name}：应为 {{键: 值, …}}"),
    (r"vary: expected key → list of values", "vary：应为 键 → 取值列表"),
    (r"give the scenarios either with --vary or in --file, not both",
     "情景请用 --vary 或 --file 二者之一给出，不要同时给出"),
    (r"written by another version of fiscalshare \(plan version (?P<version>.+)\)",
     "由另一版本的 fiscalshare 写出（plan 版本 {version}）"),
    (r"scenario (?P<id>\d+): … and (?P<count>\d+) more like these", "情景 {id}：…… 另有 {count} 条同类问题"),
    (r"scenario (?P<id>\d+) \((?P<name>.*?)\): (?P<located>.+)", "情景 {id}（{name}）：{located}"),
    (r"the case changed since this sweep started \(its input hash differs from plan\.json\); "
     r"resuming would mix scenarios of two inputs\. Start a new sweep with --out elsewhere, or "
     r"--force to replace this one",
     "自本次情景测算开始以来案例已改变（其输入哈希与 plan.json 不同）；续算会混入两份输入的情景。"
     "请用另一个 --out 重新开始，或加 --force 替换本次测算"),
    (r"(?P<key>\S+): in menu mode a pinned share must be on the menu \((?P<menu>[^)]*)\); "
     r"(?P<off>.+) is not\. Vary it with values on the menu, or under --model fixed-ratios where "
     r"any share is used as given",
     "{key}：按菜单选择比例时，固定的比例必须在菜单（{menu}）之中；{off} 不在。请只取菜单中的值，"
     "或改用 --model fixed-ratios（按给定比例）"),
    (r"(?P<key>\S+): this configuration has no equalisation, so the pool cannot matter; use "
     r"--model default", "{key}：该配置不含均衡性转移支付，资金池不起作用；请用 --model default"),
    (r"(?P<key>\S+)=(?P<number>\S+) pins tier (?P<tier>\S+)'s share of (?P<item>\S+) \(and maybe "
     r"others\) (?:above|below) the (?:upper|lower) bound (?P<bound>\S+) of (?P<side>poorer|richer) "
     r"tier (?P<other>\S+), which the priority rule \(a poorer tier never gets a smaller share\) "
     r"cannot meet\. Pin only values in that range, pin the neighbouring tiers too \(e\.g\. "
     r"(?P<example>\S+)\), or ask under --model fixed-ratios, where the shares are used as given",
     "{key}={number} 把第 {tier} 档 {item}（可能还有其他项目）的比例固定在第 {other} 档的界限 {bound} "
     "之外，违反优先规则（财力较弱的档次所得比例不得更小）。请只取该范围内的值，同时固定相邻档次"
     "（如 {example}），或改用 --model fixed-ratios（按给定比例）"),
    (r"cannot reach the dask scheduler at (?P<address>\S+): .*",
     "无法连接 dask 调度器 {address}（详细原因用 --lang en 可见）"),
    (r"workers run another fiscalshare than this (?P<version>\S+): (?P<others>.+)",
     "工作进程运行的 fiscalshare 版本与本机 {version} 不同：{others}"),
    (r"--out (?P<out>.+) is or holds the input case (?P<case>.+); choose another folder "
     r"\(nothing was written\)", "--out {out} 就是或包含输入案例 {case}；请另选文件夹（未写入任何文件）"),
    (r"--out (?P<out>.+) is or holds the current directory; choose a new folder "
     r"\(nothing was written\)", "--out {out} 就是或包含当前目录；请另选新文件夹（未写入任何文件）"),
    # reading the file (io/files.py)
    (r"no such file or folder", "没有这个文件或文件夹"),
    (r"the file is empty; expected an \.xlsx workbook", "文件为空；应为 .xlsx 工作簿"),
    (r"the file is (?P<size>[\d,]+) bytes, above the limit of (?P<limit>[\d,]+)",
     "文件大小 {size} 字节，超过上限 {limit} 字节"),
    (r"macro-enabled workbooks \(\.xlsm\) are not accepted; save it as \.xlsx \(Excel: File → "
     r"Save As → Excel Workbook\)",
     "不接受启用宏的工作簿（.xlsm）；请另存为 .xlsx（Excel：文件 → 另存为 → Excel 工作簿）"),
    (r"old \.xls workbooks are not read; save it as \.xlsx",
     "不读取旧式 .xls 工作簿；请另存为 .xlsx"),
    (r"a single CSV file is not a case; give the folder that holds one CSV file per sheet",
     "单个 CSV 文件不构成测算案例；请给出每张表一个 CSV 文件的文件夹"),
    (r"the workbook is encrypted or in the old binary format \(OLE\); remove the password and "
     r"save it as \.xlsx", "工作簿已加密或为旧式二进制格式（OLE）；请去掉密码并另存为 .xlsx"),
    (r"not an \.xlsx workbook \(it is not a zip package\); save it from Excel or WPS as \.xlsx",
     "不是 .xlsx 工作簿（不是 zip 包）；请用 Excel 或 WPS 另存为 .xlsx"),
    (r"the workbook holds (?P<count>[\d,]+) parts, above the limit of (?P<limit>[\d,]+)",
     "工作簿含 {count} 个部件，超过上限 {limit}"),
    (r"the workbook unpacks to (?P<size>[\d,]+) bytes \(ratio (?P<ratio>[\d,]+):1\), above the "
     r"limits: refused as a possible zip bomb",
     "工作簿解压后为 {size} 字节（压缩比 {ratio}:1），超过上限：疑为压缩炸弹，拒绝读取"),
    (r"the workbook carries macros \(vbaProject\.bin\); save it as a macro-free \.xlsx",
     "工作簿含宏（vbaProject.bin）；请另存为不含宏的 .xlsx"),
    (r"not an \.xlsx workbook \(no workbook part inside\)", "不是 .xlsx 工作簿（其中没有工作簿部件）"),
    (r"a damaged workbook part \(.*\)", "工作簿部件已损坏（详细原因是库的英文报错，用 --lang en 可见）"),
    (r"more than (?P<limit>[\d,]+) cells: above the limit", "单元格多于 {limit} 个：超过上限"),
    (r"the workbook cannot be read safely \(.*\)", "无法安全读取工作簿（详细原因是库的英文报错，用 --lang en 可见）"),
    (r"merged cells inside a table \((?P<refs>[^)]*)\): unmerge them",
     "表内有合并单元格（{refs}）：请取消合并"),
    (r"a formula without a cached value: open and save the workbook in Excel, or type the value",
     "公式没有缓存的计算结果：请在 Excel 中打开并保存工作簿，或直接填写数值"),
    (r"an Excel error value (?P<value>'.*')", "Excel 错误值 {value}"),
    (r"the CSV files exceed (?P<limit>[\d,]+) bytes", "CSV 文件合计超过 {limit} 字节"),
    (r"neither UTF-8 nor GB18030 text", "既不是 UTF-8 也不是 GB18030 编码的文本"),
    (r"not a readable CSV table \(.*\)", "无法读取的 CSV 表（详细原因是库的英文报错，用 --lang en 可见）"),
    (r"the folder holds no \.csv files; a case is an \.xlsx workbook or a folder of CSV files, "
     r"one per sheet", "文件夹中没有 .csv 文件；测算案例是一个 .xlsx 工作簿，或每张表一个 CSV 文件的文件夹"),
    (r"the case could not be read", "无法读取测算案例"),
    # sheets and columns (io/validate.py)
    (r"missing sheet '(?P<name>[^']*)' \((?P<label>[^)]*)\): .*", "缺少工作表 '{name}'（{label}）"),
    (r"unknown sheet, ignored", "未知工作表，已忽略"),
    (r"two sheets named '(?P<a>.*)' and '(?P<b>.*)' differ only in case or spaces: keep one",
     "两张工作表 '{a}' 与 '{b}' 只在大小写或空格上不同：请只保留一张"),
    (r"sheet name read as '(?P<key>.*)'", "工作表名按 '{key}' 读取"),
    (r"blank row skipped", "已跳过空行"),
    (r"column keys read ignoring case and spaces", "列名已忽略大小写和空格读取"),
    (r"the column appears twice in the header", "该列在表头中出现两次"),
    (r"unknown column ignored", "未知列，已忽略"),
    (r"missing column '(?P<key>[^']*)' \((?P<label>[^)]*)\): .*", "缺少列 '{key}'（{label}）"),
    (r"the sheet has a header but no rows: .*", "工作表只有表头，没有数据行"),
    (r"missing key '(?P<key>[^']*)' \((?P<label>[^)]*)\): .*", "缺少键 '{key}'（{label}）"),
    (r"(?P<key>\w+): expected (?P<expected>.+), found (?P<found>.+)",
     "{key}：应为{expected}，实际为{found}"),
    (r"expected (?P<expected>.+), found (?P<found>.+)", "应为{expected}，实际为{found}"),
    (r"… and (?P<count>\d+) more such cells", "…… 另有 {count} 个同类单元格"),
    (r"duplicate key (?P<key>.+): the same as (?P<first>.+) \(row (?P<row>\d+)\) once "
     r"full-width characters and case are ignored",
     "重复的键 {key}：忽略全角字符和大小写后与 {first}（第 {row} 行）相同"),
    (r"duplicate key (?P<key>.+)", "重复的键 {key}"),
    (r"full-width characters read as ordinary digits and letters", "全角字符已按普通数字和字母读取"),
    (r"leading or trailing spaces removed", "已去掉首尾空格"),
    (r"flags such as 是/否 or TRUE/FALSE read as 1/0", "是/否、TRUE/FALSE 等标志已按 1/0 读取"),
    (r"choices matched ignoring case and spaces", "选项已忽略大小写和空格匹配"),
    (r"full-width digits read as ordinary digits", "全角数字已按普通数字读取"),
    (r"thousands separators removed", "已去掉千位分隔符"),
    (r"numbers stored as text read as numbers", "以文本存储的数字已按数字读取"),
    # the case as a whole (io/validate.py)
    (r"first_year (?P<first>\S+) is after last_year (?P<last>\S+)",
     "first_year {first} 晚于 last_year {last}"),
    (r"year (?P<year>\S+) is outside meta's (?P<first>\d+)\.\.(?P<last>\d+)",
     "年份 {year} 不在 meta 的 {first} 至 {last} 之间"),
    (r"parent (?P<parent>.+) of (?P<code>.+) is not a region code",
     "{code} 的上级 {parent} 不是地区代码"),
    (r"parent (?P<parent>.+) of (?P<code>.+) is itself a county: a parent must be a prefecture "
     r"\(a row with a blank parent\)",
     "{code} 的上级 {parent} 本身是县：上级必须是市州（'parent' 列为空的行）"),
    (r"(?P<code>.+) is its own parent", "{code} 以自身为上级"),
    (r"(?P<value>.+) is not an item code of the items sheet", "{value} 不是 items 表中的项目代码"),
    (r"(?P<value>.+) is not a region code of the regions sheet",
     "{value} 不是 regions 表中的地区代码"),
    (r"(?P<value>.+) not a region code of the regions sheet", "{value} 不是 regions 表中的地区代码"),
    (r"(?P<value>.+) is a prefecture with counties: its beneficiaries belong to its counties",
     "{value} 是下辖县的市州：其受益对象应填在所辖各县"),
    (r"no standard for item (?P<item>.+) in year\(s\) (?P<years>.+)",
     "项目 {item} 在 {years} 年没有标准"),
    (r"item (?P<item>.+) is rule=central: central_share must be 1, found (?P<share>\S+)",
     "项目 {item} 为 rule=central：central_share 应为 1，实际为 {share}"),
    (r"item (?P<item>.+) is rule=local: central_share must be 0, found (?P<share>\S+)",
     "项目 {item} 为 rule=local：central_share 应为 0，实际为 {share}"),
    (r"ratio item (?P<item>.+): central_share differs from the central tier (?P<tier>\S+) share "
     r"(?P<share>\S+); an item the centre shares alike in every province \(e\.g\. 5:5\) is "
     r"rule=uniform",
     "按比例分担的项目 {item}：central_share 与中央分档第 {tier} 档的比例 {share} 不同；"
     "中央对各省统一比例分担的项目（如 5:5）应为 rule=uniform"),
    (r"no capacity for spending unit (?P<code>.+) in (?P<year>\d+)",
     "支出单位 {code} 缺少 {year} 年的可用财力"),
    (r"… and (?P<count>\d+) more missing capacity rows", "…… 另缺 {count} 行可用财力"),
    (r"province_min (?P<low>\S+) is above province_max (?P<high>\S+)",
     "province_min {low} 大于 province_max {high}"),
    (r"province_share (?P<share>\S+) is outside \[(?P<low>[^,]+), (?P<high>[^\]]+)\]",
     "province_share {share} 不在 [{low}, {high}] 之内"),
    (r"tier (?P<tier>\S+) has no receiving region: row ignored", "第 {tier} 档没有受益地区：该行已忽略"),
    (r"item (?P<item>.+) has no beneficiaries anywhere", "项目 {item} 在任何地区都没有受益对象"),
    (r"region (?P<code>.+) has no beneficiaries", "地区 {code} 没有受益对象"),
    (r"the standard cost of this row is (?P<value>\S+) yuan \(q × top-up × cost index × units\), "
     r"above the (?P<limit>\S+) yuan the model represents faithfully: give money in yuan and "
     r"check the units",
     "该行的标准支出为 {value} 元（标准 × 上浮系数 × 成本系数 × 受益单位数），超过模型能准确表示的 "
     "{limit} 元：金额请以元填写，并核对单位"),
    (r"comparator (?P<comparator>\S+) needs a numeric target, found (?P<found>.+)",
     "比较符 {comparator} 需要数值目标，实际为 {found}"),
    (r"the target (?P<target>.+) says (?P<a>\S+) but the comparator column says (?P<b>\S+)",
     "目标 {target} 写的是 {a}，而 comparator 列写的是 {b}"),
    (r"no row for tier (?P<tier>\S+) and item (?P<item>.+), which has a remainder to share",
     "缺少第 {tier} 档、项目 {item} 的分担行，而该项目有需要分担的地方部分"),
    # the model's checks of the case (model/checks.py)
    (r"ratio_mode menu needs a ratio_menu sheet with at least one share",
     "ratio_mode 为 menu 时需要至少含一个比例的 ratio_menu 表"),
    (r"province_max (?P<high>\S+) is below the share (?P<floor>\S+) that richer tier "
     r"(?P<tier>\S+) must get at least; a poorer tier may never get a smaller share",
     "province_max {high} 低于财力较强的第 {tier} 档至少应得的比例 {floor}；财力较弱的档次所得比例不得更小"),
    (r"no menu share in \[(?P<low>[^,]+), (?P<high>[^\]]+)\] reaches (?P<floor>\S+), the least "
     r"share richer tier (?P<tier>\S+) can get; a poorer tier may never get a smaller share",
     "[{low}, {high}] 内没有可选比例达到财力较强的第 {tier} 档至少可得的比例 {floor}；"
     "财力较弱的档次所得比例不得更小"),
    (r"no ratio_menu share lies in \[(?P<low>[^,]+), (?P<high>[^\]]+)\]",
     "ratio_menu 中没有比例落在 [{low}, {high}] 之内"),
    # the solver (solve/stages.py): exit 4; HiGHS's own status word is kept as it says it
    (r"the solver stopped in stage (?P<stage>\d+) at a limit \((?P<status>[^)]*)\) without a proven "
     r"optimum; best bound on the weighted shortfall: (?P<bound>\S+)",
     "求解器在第 {stage} 阶段触及限制（{status}），未证得最优解；加权缺口的最优界：{bound}"),
    (r"the solver stopped in stage (?P<stage>\d+) at a limit \((?P<status>[^)]*)\) without a proven "
     r"optimum; best bound on the provincial money: (?P<bound>\S+)",
     "求解器在第 {stage} 阶段触及限制（{status}），未证得最优解；省级资金的最优界：{bound}"),
    (r"the solver stopped in stage (?P<stage>\d+) at a limit \((?P<status>[^)]*)\) without a proven "
     r"optimum", "求解器在第 {stage} 阶段触及限制（{status}），未证得最优解"),
    # model configurations (config.py)
    (r"not a readable YAML file: .*", "无法读取的 YAML 文件（详细原因是库的英文报错，用 --lang en 可见）"),
    (r"configuration file (?P<path>.+) not found", "找不到配置文件 {path}"),
    (r"unknown configuration (?P<name>.+); available: (?P<names>.*)",
     "未知配置 {name}；可用：{names}"),
    (r"unknown key; accepted keys: (?P<keys>.*)", "未知键；可用的键：{keys}"),
    (r"unknown flag (?P<flag>.+); flags: (?P<flags>.*)", "未知标志 {flag}；可用标志：{flags}"),
    # packaged examples, run and sweep folders
    (r"no packaged example (?P<name>.+); available: (?P<names>.*)",
     "没有名为 {name} 的内置示例；可用：{names}"),
    (r"(?P<folder>.+): no (?P<file>\S+) to report on", "{folder}：没有可据以生成报表的 {file}"),
    (r"(?P<folder>.+) is not a sweep folder \(no (?P<file>\S+)\)",
     "{folder} 不是情景测算文件夹（没有 {file}）"),
    (r"--out is empty \(nothing was written\)", "--out 为空（未写入任何文件）"),
    (r"--out (?P<out>.+) is a symbolic link; give the folder itself \(nothing was written\)",
     "--out {out} 是符号链接；请给出文件夹本身（未写入任何文件）"),
    (r"--out (?P<out>.+) is the input or holds it \((?P<source>.+)\); choose another folder "
     r"\(nothing was written\)", "--out {out} 就是输入或包含输入（{source}）；请另选文件夹（未写入任何文件）"),
    (r"(?P<out>.+) exists; give --force to replace it or --resume to finish it "
     r"\(nothing was written\)", "{out} 已存在；如要替换请加 --force，如要续算请加 --resume（未写入任何文件）"),
    (r"(?P<out>.+) is not a sweep or run folder; refusing to replace it even with --force "
     r"\(nothing was written\)", "{out} 不是情景测算或测算结果文件夹；即使加 --force 也不替换（未写入任何文件）"),
    (r"(?P<path>.+) is in the way of the lock for --out (?P<out>.+) and fiscalshare did not "
     r"create it \(nothing was written\)",
     "{path} 占用了 --out {out} 的锁文件位置，且不是 fiscalshare 创建的（未写入任何文件）"),
    (r"another fiscalshare process is writing (?P<out>.+) \(lock (?P<path>.+)\); nothing was "
     r"written", "另一个 fiscalshare 进程正在写入 {out}（锁文件 {path}）；未写入任何文件"),
    (r"could not take the lock (?P<path>.+) for --out (?P<out>.+); nothing was written",
     "无法取得 --out {out} 的锁文件 {path}；未写入任何文件"),
    (r"(?P<out>.+) exists; give --force to replace it \(nothing was written\)",
     "{out} 已存在；如要替换请加 --force（未写入任何文件）"),
    (r"(?P<out>.+) exists; give --force to replace it", "{out} 已存在；如要替换请加 --force"),
    (r"(?P<out>.+) is a symbolic link; give the file itself", "{out} 是符号链接；请给出文件本身"),
    (r"--out (?P<out>.+) is the current folder or one that holds it; choose a new folder "
     r"\(nothing was written\)", "--out {out} 是当前文件夹或包含当前文件夹；请另选新文件夹（未写入任何文件）"),
    (r"--out: the folder name is longer than (?P<limit>\d+) bytes \(nothing was written\)",
     "--out：文件夹名长于 {limit} 字节（未写入任何文件）"),
    (r"(?P<out>.+) is a folder that fiscalshare did not write and it is not empty; it is never "
     r"replaced, not even with --force: choose another --out \(nothing was written\)",
     "{out} 是非 fiscalshare 写入的非空文件夹；即使加 --force 也不会替换：请另选 --out（未写入任何文件）"),
    (r"--out (?P<out>.+): (?P<path>.+) is a dangling symbolic link \(nothing was written\)",
     "--out {out}：{path} 是失效的符号链接（未写入任何文件）"),
    (r"--out (?P<out>.+): (?P<path>.+) is not a folder \(nothing was written\)",
     "--out {out}：{path} 不是文件夹（未写入任何文件）"),
    (r"--out (?P<out>.+): cannot write in (?P<path>.+) \((?P<detail>.*)\); nothing was written",
     "--out {out}：无法在 {path} 中写入（{detail}）；未写入任何文件"),
    (r"(?P<out>.+) is not empty; give --force to write into it",
     "{out} 不为空；如要写入请加 --force"),
    (r"(?P<out>.+) exists and is not a folder \(nothing was written\)",
     "{out} 已存在且不是文件夹（未写入任何文件）"),
    # what `fiscalshare verify` finds beside the constraints (runs/audit.py)
    (r"manifest\.json: 'files' is not a mapping of file name to sha256",
     "manifest.json：'files' 不是文件名到 sha256 的对应表"),
    (r"manifest\.json: status (?P<status>.+) is neither 'solved' nor 'infeasible'",
     "manifest.json：状态 {status} 既不是 'solved' 也不是 'infeasible'"),
    (r"manifest\.json: not valid JSON \((?P<detail>.*)\)", "manifest.json：不是有效的 JSON（{detail}）"),
    (r"manifest\.json: expected a JSON object, found (?P<kind>\w+)",
     "manifest.json：应为 JSON 对象，实为 {kind}"),
    (r"(?P<name>[^:]+): cannot be read \((?P<detail>.*)\)", "{name}：无法读取（{detail}）"),
    (r"manifest\.json: '(?P<key>[^']+)' is missing \(allocation\.nc has (?P<value>.*)\)",
     "manifest.json：缺少 '{key}'（allocation.nc 中为 {value}）"),
    (r"manifest\.json: '(?P<key>[^']+)' is (?P<a>.*) but (?P<file>[\w.]+\.nc) says (?P<b>.*)",
     "manifest.json：'{key}' 为 {a}，但 {file} 中为 {b}"),
    (r"allocation\.nc: attribute '(?P<key>[^']+)' is (?P<a>.*) but the run's model "
     r"configuration says (?P<b>.*)", "allocation.nc：属性 '{key}' 为 {a}，但本次测算的模型配置为 {b}"),
    (r"allocation\.nc: termination (?P<status>.*): a written run is optimal",
     "allocation.nc：求解状态为 {status}，而写出的测算结果应为最优解"),
    (r"allocation\.nc: input_sha256 is not the case's: the allocation of another input",
     "allocation.nc：input_sha256 与案例的不符，是另一份输入的测算结果"),
    (r"(?P<file>[\w.]+\.nc): (?P<violation>.+)", "{file}：{violation}"),
    (r"manifest\.json: 'prefectures' does not map each workbook to the prefecture allocation\.nc "
     r"names it for", "manifest.json：'prefectures' 没有把各工作簿对应到 allocation.nc 中所属的市州"),
    (r"(?P<name>[^:]+): not a readable workbook \((?P<kind>\w+)\)", "{name}：不是可读取的工作簿（{kind}）"),
    (r"(?P<name>[^:]+): its sheets are not the ones the run writes",
     "{name}：工作表与本次测算写出的不符"),
    (r"(?P<name>[^:]+): sheet '(?P<title>[^']*)' cell (?P<cell>[A-Z]+\d+) holds (?P<a>.*), but "
     r"optimised\.nc with baseline\.nc gives (?P<b>.*)",
     "{name}：工作表 '{title}' 单元格 {cell} 为 {a}，按 optimised.nc 与 baseline.nc 应为 {b}"),
    (r"(?P<name>[^:]+): sheet '(?P<title>[^']*)' has (?P<n>\d+) rows, optimised\.nc with "
     r"baseline\.nc gives (?P<m>\d+)",
     "{name}：工作表 '{title}' 有 {n} 行，按 optimised.nc 与 baseline.nc 应为 {m} 行"),
    (r"(?P<name>[^:]+): sheet '(?P<title>[^']*)' cell (?P<cell>[A-Z]+\d+) holds (?P<a>.*), but "
     r"(?P<source>.+) gives (?P<b>.*)", "{name}：工作表 '{title}' 单元格 {cell} 为 {a}，按 {source} 应为 {b}"),
    (r"(?P<name>[^:]+): sheet '(?P<title>[^']*)' has (?P<n>\d+) rows, (?P<source>.+) gives "
     r"(?P<m>\d+)", "{name}：工作表 '{title}' 有 {n} 行，按 {source} 应为 {m} 行"),
    (r"manifest\.json: 'model_config' is missing: the (?:comparison|infeasibility) cannot be "
     r"re-checked", "manifest.json：缺少 'model_config'，无法重新核验"),
    (r"manifest\.json: 'cost_at_eta_zero' is not a number", "manifest.json：'cost_at_eta_zero' 不是数"),
    (r"manifest\.json: 'price_of_equity' is not optimised_cost − cost_at_eta_zero",
     "manifest.json：'price_of_equity' 不等于 optimised_cost − cost_at_eta_zero"),
    (r"manifest\.json: 'model_config' is not a configuration \((?P<detail>.*)\)",
     "manifest.json：'model_config' 不是有效的模型配置（{detail}）"),
    (r"baseline\.nc: '(?P<name>[^']+)' is not the status quo the case gives",
     "baseline.nc：'{name}' 不是案例给出的现行办法结果"),
    (r"diagnosis\.json: not a diagnosis \(expected a JSON object\)",
     "diagnosis.json：不是诊断文件（应为 JSON 对象）"),
    (r"manifest\.json: the run's configuration cannot be solved again \((?P<detail>.*)\)",
     "manifest.json：本次测算的配置无法重新求解（{detail}）"),
    (r"manifest\.json: status 'infeasible', but the case has a solution under the run's "
     r"configuration", "manifest.json：状态为 'infeasible'，但按本次测算的配置该案例有解"),
    # the command line itself: Click's usage errors (Click 8's English; cli.main shows them)
    (r"No such option '(?P<name>[^']*)'\.", "没有选项 '{name}'。"),
    (r"No such option '(?P<name>[^']*)'\. Did you mean '(?P<one>[^']*)'\?",
     "没有选项 '{name}'。是否想用 '{one}'？"),
    (r"No such option '(?P<name>[^']*)'\. \(Did you mean one of: (?P<some>.+)\?\)",
     "没有选项 '{name}'。（是否想用其中之一：{some}？）"),
    (r"No such command '(?P<name>[^']*)'\.", "没有命令 '{name}'。"),
    (r"Missing argument '(?P<name>[^']*)'\.", "缺少参数 {name}。"),
    (r"Missing option '(?P<name>[^']*)'\.", "缺少选项 {name}。"),
    (r"Missing command\.", "缺少命令。"),
    (r"Option '(?P<name>[^']*)' requires an argument\.", "选项 {name} 需要一个值。"),
    (r"Option '(?P<name>[^']*)' requires (?P<n>\d+) arguments\.", "选项 {name} 需要 {n} 个值。"),
    (r"Option '(?P<name>[^']*)' does not take a value\.", "选项 {name} 不带值。"),
    (r"Got unexpected extra arguments? \((?P<args>.*)\)", "多余的参数：{args}"),
    (r"Invalid value for '(?P<name>[^']*)': (?P<message>.+)", "{name} 的值无效：{message}"),
    (r"'(?P<value>.*)' is not one of (?P<choices>.+)\.", "'{value}' 不是可选的值（可选：{choices}）。"),
    (r"'(?P<value>.*)' is not a valid integer(?: range)?\.", "'{value}' 不是有效的整数。"),
    (r"'(?P<value>.*)' is not a valid float(?: range)?\.", "'{value}' 不是有效的数。"),
    (r"'(?P<value>.*)' is not a valid boolean\.", "'{value}' 不是有效的是/否值。"),
    (r"(?P<value>\S+) is not in the range (?P<range>.+)\.", "{value} 不在范围 {range} 之内。"),
    (r"(?:File|Directory|Path) '(?P<path>.*)' does not exist\.", "路径 '{path}' 不存在。"),
    (r"(?:File|Directory|Path) '(?P<path>.*)' is a directory\.", "'{path}' 是文件夹，不是文件。"),
    (r"(?:File|Directory|Path) '(?P<path>.*)' is a file\.", "'{path}' 是文件，不是文件夹。"),
])

# the frame around the messages
FRAME = {
    "en": {"problems": "{n} problems in the input:", "problem": "1 problem in the input:",
           "column": "column '{column}': ", "sep": ": ", "error": "Error: ",
           "warning": "warning: ", "interrupted": "Interrupted.",
           "unexpected": "Unexpected error ({kind}): {detail}. Run with --debug for details.",
           "usage": "Usage: ", "help_hint": "Try '{command}' for help."},
    "zh": {"problems": "输入有 {n} 处问题：", "problem": "输入有 1 处问题：",
           "column": "列 '{column}'：", "sep": "：", "error": "错误：", "warning": "警告：",
           "interrupted": "已中断。",
           "unexpected": "意外错误（{kind}）：{detail}。加 --debug 可见详细信息。",
           "usage": "用法：", "help_hint": "查看帮助：{command}"},
}


def _match(message: str, table) -> str | None:
    for pattern, chinese in table:
        matched = pattern.fullmatch(message)
        if matched is None:
            continue
        parts = {}
        for name, value in matched.groupdict().items():
            if value is None:
                parts[name] = ""
            elif name.startswith("found"):
                parts[name] = _match(value, FOUND)
            elif name.startswith("expected"):
                parts[name] = _match(value, EXPECTED)
            elif name.startswith("message"):
                parts[name] = _match(value, MESSAGES)
            elif name.startswith("status"):
                parts[name] = _match(value, STATUS)
            elif name.startswith("violation"):
                parts[name] = _match(value, VIOLATIONS)
            elif name.startswith("statement"):
                parts[name] = _match(value, STATEMENTS)
            elif name.startswith("located"):
                parts[name] = _located(value)
            elif name.startswith("selectors"):
                pieces = [_match(piece, SELECTORS) for piece in value.split("; ")]
                parts[name] = None if None in pieces else "；".join(pieces)
            else:
                parts[name] = value
        if any(part is None for part in parts.values()):
            continue  # a nested part this catalogue does not know: try the next entry
        return chinese.format(**parts)
    return None


_PLACE = re.compile(r"(?P<where>[^\s:]+(?:![A-Z]*\d+)?): (?:column '(?P<column>[^']*)': )?"
                    r"(?P<message>.+)", re.DOTALL)


def _located(text: str) -> str | None:
    """A problem already rendered in English (``sheet!cell: column 'x': message``), in Chinese."""
    matched = _PLACE.fullmatch(text)
    if matched is None:
        return None
    message = _match(matched["message"], MESSAGES)
    if message is None:
        return None
    column = FRAME["zh"]["column"].format(column=matched["column"]) if matched["column"] else ""
    return f"{matched['where']}：{column}{message}"


def chinese(message: str) -> str | None:
    """The Chinese rendering of an English message, or None when the catalogue lacks it."""
    return _match(str(message), MESSAGES)


def translate(message: str, lang: str) -> str:
    """``message`` in ``lang`` ("zh" or "en"); English when the catalogue lacks it."""
    if lang != "zh":
        return str(message)
    rendered = chinese(message)
    return str(message) if rendered is None else rendered


def render_problem(problem: _Located, lang: str = "en") -> str:
    """One problem with its place: ``sheet!cell: column 'x': message`` (or its Chinese)."""
    if not hasattr(problem, "sheet"):  # a bare message given where a problem was due
        return translate(str(problem), lang)
    frame = FRAME["zh" if lang == "zh" else "en"]
    where = problem.sheet
    if problem.cell:
        where += f"!{problem.cell}"
    elif problem.row is not None:
        where += f"!{problem.row}"
    column = frame["column"].format(column=problem.column) if problem.column else ""
    return f"{where}{frame['sep']}{column}{translate(problem.message, lang)}"


def render_problems(problems: list, lang: str = "en") -> str:
    """The located problems under one head line, two spaces in."""
    frame = FRAME["zh" if lang == "zh" else "en"]
    lines = [render_problem(p, lang) for p in problems]
    head = (frame["problem"] if len(lines) == 1 else frame["problems"]).format(n=len(lines))
    return "\n".join([head, *("  " + line for line in lines)])


def command_language(argv: list[str]) -> str:
    """The language a command line asks for: ``--lang en`` (or ``--lang=en``) or Chinese."""
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv):
            return "en" if argv[k + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "zh"


def frame(key: str, lang: str) -> str:
    """A piece of the frame (``error``, ``warning``, …) in ``lang``."""
    return FRAME["zh" if lang == "zh" else "en"][key]
