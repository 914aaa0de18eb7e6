"""The headline of ``fiscalshare compare`` in words, from the label catalogue.

The numbers come from ``fiscalshare.analysis.compare.tell_story``; this module only phrases them:
the same money or not, the shortfall before and after, the weakest tier, the kinds of region, the
Gini, or — when the optimum and the status quo coincide — why.
"""

from __future__ import annotations

import math

from fiscalshare.report.labels import label


def _wan(yuan: float) -> str:
    return f"{round(yuan / 1e4, 2) + 0.0:,.2f}"


def _same(a: float, b: float, relative: float = 1e-6) -> bool:
    return abs(a - b) <= relative * max(abs(a), abs(b)) + 1.0


SAME_MONEY = 1e-4  # "the same money" within 0.01 % (a budget rounded up to 万元 each year)


def headline_parts(story, lang: str = "zh") -> list[str]:
    """The first sentence in its two parts — the money, then the shortfall — or, when the
    allocations coincide, the one sentence saying why (the compare plot's title)."""
    if story.coincide:
        sep = label("story_separator", lang)
        reasons = sep.join(label(f"why_{key}", lang) for key in story.reasons)
        return [label("story_coincide", lang).format(reasons=reasons)]
    before, after = story.money
    if _same(before, after, SAME_MONEY):
        money = label("story_same_money", lang).format(before=_wan(before), after=_wan(after))
    else:
        key = "story_money_less" if after < before else "story_money_more"
        money = label(key, lang).format(before=_wan(before), after=_wan(after))
    short_before, short_after = story.shortfall
    if short_before <= 1.0 and short_after <= 1.0:
        shortfall = label("story_shortfall_none", lang)
    else:
        key = ("story_shortfall_same" if _same(short_before, short_after) else
               "story_shortfall_down" if short_after < short_before else "story_shortfall_up")
        shortfall = label(key, lang).format(before=_wan(short_before), after=_wan(short_after))
        tier_before, tier_after = story.poorest_tier_shortfall
        shortfall += label("story_tier", lang).format(tier=story.poorest_tier,
                                                      before=_wan(tier_before),
                                                      after=_wan(tier_after))
    return [money, shortfall + ("。" if lang == "zh" else ".")]


def headline(story, lang: str = "zh") -> list[str]:
    """The story as sentences: ``story`` is an ``analysis.compare.Story``."""
    parts = headline_parts(story, lang)
    if story.coincide:
        return parts
    first = "".join(parts)
    lines = [first]
    share_before, share_after = story.poorest_tier_share
    if math.isfinite(share_before) and math.isfinite(share_after):  # NaN: no provincial money
        lines.append(label("story_share", lang).format(tier=story.poorest_tier,
                                                       before=f"{share_before:.1%}",
                                                       after=f"{share_after:.1%}"))
    groups = [f"{label(f'group_{g}', lang)} {_wan(b)} → {_wan(a)}"
              for g, (b, a) in story.flag_shortfall.items() if g != "all" and (b > 1 or a > 1)]
    if groups:
        lines.append(label("story_flags", lang).format(
            groups=label("story_separator", lang).join(groups)))
    gini_before, gini_after = story.gini_after
    lines.append(label("story_gini", lang).format(before=f"{gini_before:.4f}",
                                                  after=f"{gini_after:.4f}"))
    return lines
