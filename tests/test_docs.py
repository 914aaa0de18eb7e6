"""Documentation derived from code is complete and up to date."""

import pytest

from fiscalshare import docs
from fiscalshare.lp import families


@pytest.mark.parametrize("family", families.FAMILIES, ids=lambda f: f.__name__)
def test_every_constraint_family_states_its_mathematics(family):
    assert family.__doc__ and ".. math::" in family.__doc__, family.__name__


@pytest.mark.parametrize("name", sorted(docs.GENERATED))
def test_generated_docs_are_current(name):
    path = docs.DOCS / name
    assert path.exists(), f"docs/{name} is missing: run `make docs`"
    assert path.read_text(encoding="utf-8") == docs.GENERATED[name](), (
        f"docs/{name} is stale: run `make docs`"
    )
