"""What the money shown (report.amounts.fen_of) must be, whatever the allocation."""

from __future__ import annotations

import numpy as np

from fiscalshare.report.amounts import CENTS_PER_YUAN, PARTS, fen_of


def assert_money_shown_is_faithful(results, *, exact_totals: bool = True,
                                   covered: bool = True) -> None:
    """Every cell's cost and parts within a fen of the exact figures, the parts adding up to
    the cost; the totals of the cost, of every part and of the transfers within a fen of the
    exact ones each year and over the period, and (``exact_totals``) the cost's and the
    transfers' over the period the exact ones rounded, which a case of a few cells cannot
    always reach fen by fen; each unit's equalisation within a fen and none where there is
    none; and (``covered``) each unit's responsibility shown its capacity shown plus its
    equalisation shown where it receives equalisation for exactly its excess, and at most its
    capacity shown where it receives none, as the transfers table says."""
    fen = fen_of(results)

    def exact(variable, *dims):
        return np.maximum(results[variable].transpose(*dims).values, 0.0) * CENTS_PER_YUAN

    cost = exact("standard_cost", "region", "item", "year")
    parts = np.concatenate([exact("funding", "region", "item", "year", "level"),
                            exact("shortfall", "region", "item", "year")[..., None]], -1)
    assert np.abs(fen.cost - cost).max(initial=0) < 1
    assert np.abs(fen.parts - parts).max(initial=0) < 1
    assert (fen.parts.sum(axis=-1) == fen.cost).all()
    assert (np.abs(fen.cost.sum(axis=(0, 1)) - cost.sum(axis=(0, 1))) < 1).all()
    assert fen.cost.sum() == np.rint(cost.sum())  # always reachable: the cells are free
    assert (np.abs(fen.parts.sum(axis=(0, 1)) - parts.sum(axis=(0, 1))) < 1).all()
    assert (np.abs(fen.parts.sum(axis=(0, 1, 2)) - parts.sum(axis=(0, 1, 2))) < 1).all()
    transfer = results["transfer"].transpose("unit", "year").values * CENTS_PER_YUAN
    shown = fen.by_unit("province") + fen.equalisation
    assert (np.abs(shown.sum(axis=0) - transfer.sum(axis=0)) < 1).all()
    assert abs(shown.sum() - transfer.sum()) < 1
    if exact_totals:
        assert shown.sum() == np.rint(transfer.sum())
    equalisation = exact("equalisation", "unit", "year")
    assert np.abs(fen.equalisation - equalisation).max(initial=0) < 1
    assert not fen.equalisation[equalisation <= 0].any()
    if covered:
        burden = fen.by_unit("county") + fen.by_unit("prefecture", of_prefecture=True)
        cover = fen.capacity + fen.equalisation
        assert (burden[fen.equalisation == 0] <= cover[fen.equalisation == 0]).all()
        exact_burden = np.zeros(cover.shape)
        for part, unit in (("county", fen.region_unit), ("prefecture", fen.prefecture_unit)):
            np.add.at(exact_burden, unit, parts[..., PARTS.index(part)].sum(axis=1))
        capacity = results["fiscal_capacity"].transpose("unit", "year").values * CENTS_PER_YUAN
        exactly = (equalisation > 0) & (np.abs(exact_burden - capacity - equalisation) < 0.5)
        np.testing.assert_array_equal(burden[exactly], cover[exactly])
