"""Documentation derived from code is up to date (``make docs`` rewrites it), and every page of
the project links only inside the repository."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fiscalshare.cli import cli, docs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.mark.parametrize("name", sorted(docs.GENERATED))
def test_generated_docs_are_current(name):
    path = DOCS / name
    assert path.exists(), f"docs/{name} is missing: run `make docs`"
    assert path.read_text(encoding="utf-8") == docs.GENERATED[name](), (
        f"docs/{name} is stale: run `make docs`"
    )


def test_docs_command_writes_every_page_into_a_given_folder(tmp_path):
    target = tmp_path / "elsewhere"
    result = CliRunner().invoke(cli, ["docs", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == sorted(docs.GENERATED)
    for name, render in docs.GENERATED.items():
        assert (target / name).read_text(encoding="utf-8") == render()


def _pages():
    return [ROOT / "README.md", ROOT / "inputs" / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pages_link_only_inside_the_repository(page):
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in re.findall(r"\]\(([^)#\s]+)", text):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
