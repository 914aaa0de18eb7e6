"""Documentation derived from code is up to date (``make docs`` rewrites it)."""

import pytest

from fiscalshare.cli import docs


@pytest.mark.parametrize("name", sorted(docs.GENERATED))
def test_generated_docs_are_current(name):
    path = docs.DOCS / name
    assert path.exists(), f"docs/{name} is missing: run `make docs`"
    assert path.read_text(encoding="utf-8") == docs.GENERATED[name](), (
        f"docs/{name} is stale: run `make docs`"
    )
