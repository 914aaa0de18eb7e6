"""The story ``fiscalshare compare`` tells: status quo against optimum, worked out by hand.

``three_regions`` (tests/hand_cases.py): A (tier 1), B and B2 (tier 2); D = 5 000 each; capacities
A 10 000, B 1 000, B2 10 000; ω_B = 7.  The current table s0 is 0.2 (tier 1) and 0.5 (tier 2),
bounds [0, 1]; the pool is 600 and the budget 6 600.

Status quo: P = 0.2·5 000 + 0.5·10 000 = 6 000; B's local part 2 500 exceeds its capacity by
1 500, the only gap, so the factor method pays B the whole pool 600 (θ = 0.4) and B falls short by
900.  Money 6 600, shortfall 900, z1 = 7·900 = 6 300.

Optimum: closing a yuan of B's gap costs 1 through e_B (at most 600) and 2 through σ2 (it also pays
B2); σ1 = 0 frees tier 1's co-financing.  With 6 600: e_B = 600, σ2 = 0.6 (P = 6 000), B's local
part 2 000 against 1 600 → shortfall 400, z1 = 2 800, z2 = 6 600.  Tier 2 then receives all the
provincial money (status quo: 5 600 of 6 600).
"""

from __future__ import annotations

import pytest
from tests.hand_cases import three_regions

from fiscalshare.analysis.compare import compare_case
from fiscalshare.config import load_config
from fiscalshare.report.story import headline


@pytest.fixture(scope="module")
def hand():
    return compare_case(three_regions(budget=6600.0, pool=600.0), load_config("default"))


def test_the_hand_case_story_numbers(hand):
    story = hand.story
    assert story.money == pytest.approx((6600.0, 6600.0), abs=1e-4)
    assert story.shortfall == pytest.approx((900.0, 400.0), abs=1e-4)
    assert story.weighted_shortfall == pytest.approx((6300.0, 2800.0), rel=1e-9)
    assert story.poorest_tier == 2
    assert story.poorest_tier_shortfall == pytest.approx((900.0, 400.0), abs=1e-4)
    assert story.poorest_tier_share == pytest.approx((5600.0 / 6600.0, 1.0), abs=1e-9)
    assert story.flag_shortfall["no_flag"] == pytest.approx((900.0, 400.0), abs=1e-4)
    assert not story.coincide and story.reasons == ()
    assert story.shortfall_reduction == pytest.approx(500.0, abs=1e-4)


def test_the_hand_case_tables(hand):
    tiers = hand.tables["transfer_by_tier"].set_index("tier")
    assert tiers.loc[1, "baseline_total"] == pytest.approx(1000.0)
    assert tiers.loc[1, "optimised_total"] == pytest.approx(0.0, abs=1e-4)
    assert tiers.loc[2, "optimised_total"] == pytest.approx(6600.0)
    assert tiers.loc["prefecture", "baseline_total"] == 0.0
    flags = hand.tables["shortfall_by_flag"].set_index("group")
    assert flags.loc["all", "regions"] == 3 and flags.loc["poverty_exited", "regions"] == 0


def test_the_headline_in_both_languages(hand):
    zh = headline(hand.story, "zh")
    assert zh[0] == ("同样的省级资金（现行0.66万元，优化0.66万元），保障缺口由0.09万元降至0.04万元，"
                     "其中第2档（财力最弱）由0.09万元变为0.04万元。")
    assert zh[1] == "第2档地区得到的省级资金占比由84.8%变为100.0%。"
    en = headline(hand.story, "en")
    assert en[0].startswith("With the same provincial money (status quo 0.66, optimised 0.66")
    assert "falls from 0.09 to 0.04 10k yuan; in tier 2 (the weakest) from 0.09 to 0.04" in en[0]


def test_guizhou_says_why_nothing_changes():
    from fiscalshare.examples import example_path
    from fiscalshare.io import load_case

    result = compare_case(load_case(example_path("guizhou")), load_config("default"))
    story = result.story
    assert story.coincide
    assert story.reasons == ("no_shortfall", "lower_bounds", "no_pool")
    assert headline(story, "zh") == [
        "优化方案与现行办法结果相同：现行办法已足额保障所有标准；现行分担比例已是各档下限，省级承担已是"
        "允许的最少；未设均衡性转移支付资金总额，因素法按缺口全额补足。"]


def test_fixed_ratios_without_a_pool_say_so():
    result = compare_case(three_regions(), load_config("fixed-ratios"))
    assert result.story.coincide
    assert result.story.reasons == ("no_shortfall", "fixed", "no_pool")
