"""The objective regression table (tests/data/objectives.csv, written by ``tests/objectives.py``):
every packaged example under every configuration in models/ is re-solved, and z1, z2 and the
status quo's figures must not move by more than 1e-6 relative — a change of numbers is always
deliberate (re-baseline with ``.venv/bin/python -m tests.objectives``)."""

from __future__ import annotations

import pytest
from tests.objectives import FIGURES, figures, pairs, read_table

ROWS = {(row["example"], row["model"]): row for row in read_table()}


def test_the_table_covers_every_example_and_configuration():
    assert sorted(ROWS) == sorted(pairs())


@pytest.mark.slow
@pytest.mark.parametrize("example, model", sorted(ROWS))
def test_objectives_are_unchanged(example, model):
    expected = ROWS[example, model]
    found = figures(example, model)
    for name in FIGURES:
        assert found[name] == pytest.approx(expected[name], rel=1e-6, abs=1e-3), name
