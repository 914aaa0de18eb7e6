"""Render pages of the packaged Guizhou run's workbooks to PNG for the README (`make pages`).

Solves the packaged example (default model) into ``results/pages-guizhou``, converts the province
workbook and one prefecture's workbook to PDF with LibreOffice, and writes the first page of each
sheet as ``docs/pages/<book>-<sheet>.png`` (the province's 清单 among them).  Then compares the
packaged Gansu example with its status quo into ``results/pages-compare-gansu`` and copies the
comparison figure to ``docs/pages/compare-gansu.png``.  Needs ``soffice`` and ``pdftoppm``
(poppler-utils).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "pages"
PREFECTURE = "520300"  # 遵义市
SHEETS = {  # sheet → file stem, in the order of the workbook
    "province": ("汇总", "支出责任清单", "支出责任表", "分担比例", "转移支付", "保障情况"),
    "prefecture": ("汇总", "支出责任清单", "支出责任表", "转移支付", "保障情况"),
}
STEMS = {"汇总": "summary", "支出责任清单": "listing", "支出责任表": "responsibility",
         "分担比例": "sharing", "转移支付": "transfers", "保障情况": "protected"}


def main() -> int:
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"{tool} is needed (apt-get install libreoffice-calc-nogui poppler-utils)")
            return 1
    from fiscalshare.cli.common import silence_solver_banner
    from fiscalshare.examples import example_path
    from fiscalshare.workflows import SolveRequest, run_solve

    silence_solver_banner()

    run = ROOT / "results" / "pages-guizhou"
    outcome = run_solve(SolveRequest(case=example_path("guizhou"), model="default", out=run,
                                     force=True))
    if outcome.exit_code != 0:
        return outcome.exit_code
    prefecture = next((run / "prefectures").glob(f"{PREFECTURE}-*.xlsx"))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for book, path in (("province", run / "responsibility.xlsx"), ("prefecture", prefecture)):
            pdf = _pdf(path, Path(tmp))
            starts = _first_pages(pdf)
            for sheet in SHEETS[book]:
                page = starts.get(sheet)
                if page is None:
                    continue
                target = OUT / f"{book}-{STEMS[sheet]}"
                subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page),
                                "-singlefile", str(pdf), str(target)], check=True)
                print(target.with_suffix(".png").relative_to(ROOT))
    return _compare_figure()


def _compare_figure() -> int:
    """The Gansu comparison's figure (status quo against optimum by tier) for the README."""
    from fiscalshare.examples import example_path
    from fiscalshare.report.compare import FIGURE
    from fiscalshare.workflows import CompareRequest, run_compare

    folder = run_compare(CompareRequest(case=example_path("gansu"), force=True,
                                        out=ROOT / "results" / "pages-compare-gansu")).folder
    target = OUT / "compare-gansu.png"
    shutil.copyfile(folder / "plots" / FIGURE, target)
    print(target.relative_to(ROOT))
    return 0


def _pdf(path: Path, tmp: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp / 'lo').as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(path)], check=True, capture_output=True, timeout=300)
    return tmp / f"{path.stem}.pdf"


def _first_pages(pdf: Path) -> dict[str, int]:
    """Sheet name → its first page, read from each page's header (the sheet's title)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    starts: dict[str, int] = {}
    titles = {"汇总": "汇总表", "支出责任清单": "支出责任清单", "支出责任表": "分地区支出责任表",
              "分担比例": "分档分担比例表", "转移支付": "省对下转移支付表", "保障情况": "保障情况说明"}
    for number, page in enumerate(text.split("\f"), start=1):
        head = page.strip().splitlines()[0] if page.strip() else ""
        for sheet, title in titles.items():
            if title in head and sheet not in starts:
                starts[sheet] = number
    return starts


if __name__ == "__main__":
    sys.exit(main())
