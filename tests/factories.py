"""Small cases built in code, for tests that need a case without a workbook."""

from __future__ import annotations

import pandas as pd

from fiscalshare.io.dataset import CaseTables, build_inputs


def tables(
    regions,
    items,
    standards,
    beneficiaries,
    capacity,
    sharing,
    *,
    years=(2021,),
    budget=None,
    ratio_menu=None,
    indicators=None,
    central_tier=1,
) -> CaseTables:
    """Tables from lists of dicts; unspecified optional columns take their defaults."""
    frame = pd.DataFrame
    return CaseTables(
        meta={
            "case": "test",
            "province": "测试省",
            "central_tier": central_tier,
            "first_year": min(years),
            "last_year": max(years),
            "source": "unit test",
        },
        regions=frame(regions),
        items=frame(items),
        standards=frame(standards),
        beneficiaries=frame(beneficiaries),
        capacity=frame(capacity),
        sharing=frame(sharing),
        budget=None if budget is None else frame(budget),
        ratio_menu=None if ratio_menu is None else frame({"share": list(ratio_menu)}),
        indicators=None if indicators is None else frame(indicators),
    )


def case(*args, **kwargs):
    """An inputs Dataset (see docs/datasets.md) from the same arguments as :func:`tables`."""
    return build_inputs(tables(*args, **kwargs))


def two_region_case(**overrides):
    """Two prefecture-level regions, one soft item, one year: the smallest useful case."""
    spec = dict(
        regions=[
            {"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 100.0},
            {"code": "B", "name": "乙市", "parent": "", "tier": 2, "population": 100.0},
        ],
        items=[
            {"code": "X", "name": "项目", "domain": "病有所医", "unit": "元/人/年",
             "rule": "ratio", "binding": "soft", "weight": 1.0},
        ],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "topup": 1.0, "central_share": 0.5}],
        beneficiaries=[
            {"region": "A", "item": "X", "year": 2021, "units": 100.0},
            {"region": "B", "item": "X", "year": 2021, "units": 100.0},
        ],
        capacity=[
            {"region": "A", "year": 2021, "fiscal_capacity": 10000.0},
            {"region": "B", "year": 2021, "fiscal_capacity": 1000.0},
        ],
        sharing=[
            {"tier": 1, "item": "X", "province_min": 0.0, "province_max": 1.0,
             "province_share": 0.2, "prefecture_share": 0.0},
            {"tier": 2, "item": "X", "province_min": 0.0, "province_max": 1.0,
             "province_share": 0.5, "prefecture_share": 0.0},
        ],
    )
    spec.update(overrides)
    return case(**spec)


def unmeetable_hard_item() -> CaseTables:
    """One region whose hard item the money cannot meet: a local part of 1 000 yuan against a
    capacity of 100 and a provincial budget of 100, so 800 more would do it (exit 3)."""
    return tables(
        regions=[{"code": "A", "name": "甲市", "parent": "", "tier": 1, "population": 10.0}],
        items=[{"code": "X", "name": "公共卫生", "domain": "病有所医", "rule": "local",
                "binding": "hard"}],
        standards=[{"item": "X", "year": 2021, "unit_cost": 100.0, "central_share": 0.0}],
        beneficiaries=[{"region": "A", "item": "X", "year": 2021, "units": 10.0}],
        capacity=[{"region": "A", "year": 2021, "fiscal_capacity": 100.0}],
        sharing=[{"tier": 1, "item": "X", "province_min": 0.0, "province_max": 0.5,
                  "province_share": 0.0}],
        budget=[{"year": 2021, "provincial_budget": 100.0, "equalisation_pool": None}],
    )
