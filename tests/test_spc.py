"""XmR chart: one test per rule on tiny vectors, the guards, the icons, and an independent oracle."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import spc
from analytics.errors import AnalysisError

GOLDEN = json.loads((Path(__file__).parent / "golden" / "spc_hand.json").read_text())

# [6, 4] * 6: mean 5, mean MR 2 -> limits 10.32 / -0.32, two-sigma lines 8.5467 / 1.4533 (see golden).
BASE = [6.0, 4.0] * 6


def fixed(extra, **options):
    """Chart with the limits fixed on BASE, so the extra points cannot move them."""
    return spc.xmr(BASE + list(extra), baseline_points=12, **options)


def flagged(result, rule=None):
    table = result.table
    mask = table["special_cause"] if rule is None else table["rules"].str.contains(rule)
    return [int(i) for i in np.flatnonzero(mask.to_numpy())]


def test_constants_are_the_reference_values():
    assert spc.LIMIT_FACTOR == 2.66
    assert spc.TWO_SIGMA_FACTOR == pytest.approx(1.7733, abs=5e-5)
    assert spc.SCREEN_FACTOR == 3.267
    counts = (spc.RUN_LENGTH, spc.TREND_LENGTH, spc.MIN_BASELINE_POINTS, spc.TRIAL_LIMITS_BELOW)
    assert counts == (7, 7, 12, 13)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: c["name"])
def test_limits_match_hand_computed_golden(case):
    result = spc.xmr(case["values"], screen_outliers=case["screen_outliers"])
    group = result.groups.iloc[0]
    tol = GOLDEN["tolerance"]
    assert group["mean"] == pytest.approx(case["mean"], abs=tol)
    assert group["mean_moving_range"] == pytest.approx(case["mean_moving_range"], abs=tol)
    assert group["upl"] == pytest.approx(case["upl"], abs=tol)
    assert group["lpl"] == pytest.approx(case["lpl"], abs=tol)
    assert (result.table["upl"] == group["upl"]).all()


def test_two_sigma_lines_are_two_thirds_of_the_way():
    table = spc.xmr(BASE).table
    assert table["upper_two_sigma"].iloc[0] == pytest.approx(5 + 2 * 2.66 / 3 * 2)
    assert table["lower_two_sigma"].iloc[0] == pytest.approx(5 - 2 * 2.66 / 3 * 2)


def test_base_alone_is_common_cause():
    result = spc.xmr(BASE, improvement="increase")
    assert flagged(result) == []
    assert result.variation == "common_cause"
    assert set(result.table["point_type"]) == {"common_cause"}


# --- one rule at a time ----------------------------------------------------------------------------------


def test_outside_limits_rule():
    result = fixed([11.0])
    assert flagged(result) == [12]
    assert result.table["rules"].iloc[12] == "outside_limits"


def test_outside_limits_is_strict():
    upl = spc.xmr(BASE).table["upl"].iloc[0]
    result = fixed([upl])
    assert "outside_limits" not in result.table["rules"].iloc[12]


def test_run_of_seven_flags_all_seven():
    assert flagged(fixed([6.0] * 6)) == []
    result = fixed([6.0] * 7)
    assert flagged(result) == list(range(12, 19))
    assert set(result.table["rule_shown"].iloc[12:]) == {"run"}


def test_point_on_the_mean_breaks_a_run():
    result = fixed([6, 6, 6, 5, 6, 6, 6])
    assert result.table["value"].iloc[15] == result.table["mean"].iloc[15]
    assert flagged(result) == []


def test_missing_value_breaks_a_run_and_is_warned():
    result = fixed([6, 6, 6, math.nan, 6, 6, 6, 6])
    assert flagged(result) == []
    assert any("missing" in w for w in result.warnings)


def test_trend_of_seven_crossing_the_mean_takes_its_direction():
    result = fixed([2, 3, 4, 5, 6, 7, 8], improvement="increase")
    assert flagged(result) == list(range(12, 19))
    assert set(result.table["rule_shown"].iloc[12:]) == {"trend"}
    # points below the mean are still improvement: the trend's direction decides, not the side
    assert set(result.table["point_type"].iloc[12:]) == {"special_cause_improvement"}


def test_decreasing_trend_is_concern_when_increase_is_better():
    result = fixed([8, 7, 6, 5, 4, 3, 2], improvement="increase")
    assert flagged(result) == list(range(12, 19))
    assert set(result.table["point_type"].iloc[12:]) == {"special_cause_concern"}


def test_six_rising_points_are_not_a_trend():
    assert flagged(fixed([2, 3, 4, 5, 6, 7])) == []


def test_equal_pair_breaks_a_trend():
    assert flagged(fixed([2, 3, 4, 4, 5, 6, 7, 8])) == []


def test_two_of_three_flags_only_the_near_limit_points():
    result = fixed([9, 6, 9])
    assert flagged(result) == [12, 14]
    assert result.table["rules"].iloc[12] == "two_of_three"


def test_two_of_three_on_opposite_sides_does_not_fire():
    assert flagged(fixed([9, 1, 9])) == []


def test_two_of_three_does_not_count_points_outside_the_limits():
    result = fixed([9, 11, 6])
    assert flagged(result) == [13]
    assert result.table["rules"].iloc[13] == "outside_limits"


def test_label_precedence_outside_before_trend_before_run():
    # 7 rising points above the mean ending beyond the UPL: trend + run everywhere, outside at the end
    result = fixed([5.5, 6, 6.5, 7, 7.5, 8, 12])
    rows = result.table.iloc[12:]
    assert rows["rules"].iloc[-1] == "outside_limits, trend, run"
    assert rows["rule_shown"].iloc[-1] == "outside_limits"
    assert set(rows["rule_shown"].iloc[:-1]) == {"trend"}


def test_adjacent_trends_follow_the_reference_direction_rule():
    # NHSRplotthedots v0.2.2: a trend point whose next point is also in a trend takes the step to its
    # right, so the peak shared by a rise and a fall counts as falling.
    base = [0.0, 20.0] * 6
    rise_then_fall = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    result = spc.xmr(base + rise_then_fall, baseline_points=12, improvement="increase")
    types = result.table["point_type"].iloc[12:].tolist()
    assert types[:6] == ["special_cause_improvement"] * 6
    assert types[6:] == ["special_cause_concern"] * 7


def test_flat_step_between_two_trends_counts_as_decreasing_like_the_reference():
    # the last point of the rise looks right to a step of 0, which the reference labels "Decreasing"
    base = [0.0, 20.0] * 6
    rise_then_fall = [1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1]
    result = spc.xmr(base + rise_then_fall, baseline_points=12, improvement="increase")
    types = result.table["point_type"].iloc[12:].tolist()
    assert types[:6] == ["special_cause_improvement"] * 6
    assert types[6:] == ["special_cause_concern"] * 8


# --- polarity and icons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "improvement", "point_type", "icon"),
    [
        (11.0, "increase", "special_cause_improvement", "improvement_high"),
        (11.0, "decrease", "special_cause_concern", "concern_high"),
        (11.0, "neutral", "special_cause_neutral_high", "neutral_high"),
        (-1.0, "increase", "special_cause_concern", "concern_low"),
        (-1.0, "decrease", "special_cause_improvement", "improvement_low"),
        (-1.0, "neutral", "special_cause_neutral_low", "neutral_low"),
    ],
)
def test_point_types_and_variation_icon(last, improvement, point_type, icon):
    result = fixed([last], improvement=improvement)
    assert result.table["point_type"].iloc[-1] == point_type
    assert result.table["colour"].iloc[-1] == spc.COLOURS[point_type]
    assert result.variation == icon


@pytest.mark.parametrize(
    ("target", "improvement", "icon"),
    [
        (11.0, "increase", "consistent_fail"),
        (11.0, "decrease", "consistent_pass"),
        (-1.0, "increase", "consistent_pass"),
        (-1.0, "decrease", "consistent_fail"),
        (5.0, "increase", "inconsistent"),
        (10.32, "increase", "inconsistent"),
    ],
)
def test_assurance_icon(target, improvement, icon):
    upl = spc.xmr(BASE).groups["upl"].iloc[0]
    target = upl if target == 10.32 else target  # exactly on the limit: strict comparison
    assert spc.xmr(BASE, improvement=improvement, target=target).assurance == icon


def test_no_assurance_without_target_or_polarity():
    assert spc.xmr(BASE, improvement="increase").assurance is None
    neutral = spc.xmr(BASE, target=11.0)
    assert neutral.assurance is None
    assert any("direction of improvement" in w for w in neutral.warnings)


def test_assurance_uses_the_latest_group():
    high = [v + 100 for v in BASE]
    result = spc.xmr(BASE + high, improvement="increase", target=50.0, rebase_at=[12])
    assert result.assurance == "consistent_pass"  # target 50 is below the second group's LPL


# --- guards ---------------------------------------------------------------------------------------------


def test_constant_series_has_no_limits_and_suggests_a_run_chart():
    result = spc.xmr([5.0] * 15)
    assert result.table["upl"].isna().all()
    assert flagged(result) == []
    assert any("run chart" in w for w in result.warnings)


def test_moving_ranges_that_screen_to_zero_give_no_limits():
    values = [5.0] * 14 + [9.0]
    assert spc.xmr(values).groups["upl"].isna().all()
    assert spc.xmr(values, screen_outliers=False).groups["mean_moving_range"].iloc[0] == pytest.approx(4 / 14)


def test_no_limits_still_checks_runs():
    result = spc.xmr([5.0] * 3 + [9.0] * 7)
    assert flagged(result, "run") == list(range(3, 10))


def test_trial_limits_below_thirteen_points():
    short = spc.xmr(BASE)
    assert short.provisional and short.table["trial_limits"].all()
    assert any("trial limits" in w for w in short.warnings)
    assert not spc.xmr(BASE + [6.0]).provisional


def test_fewer_points_than_a_run_or_trend_give_no_icon_at_all():
    # two points: no rule but "outside limits" could fire, and that on one moving range; "common cause"
    # (or "hit or miss" against a target) would be a claim the data cannot make
    assert spc.MIN_SPC_POINTS == spc.RUN_LENGTH == spc.TREND_LENGTH == 7
    two = spc.xmr([1125.4, 1151.5], improvement="increase", target=1100.0)
    assert two.too_few_points and two.variation is None and two.assurance is None and two.latest_points == 2
    assert any(w.startswith("Too few points for SPC: the series has 2 and an SPC chart needs at least 7")
               for w in two.warnings)
    assert not any("trial limits" in w for w in two.warnings)
    assert two.groups["upl"].iloc[0] == pytest.approx(1138.45 + 2.66 * 26.1)  # the reference's numbers are kept
    seven = spc.xmr([6.0, 4.0, 6.0, 4.0, 6.0, 4.0, 6.0], improvement="increase")
    assert not seven.too_few_points and seven.variation == "common_cause" and seven.provisional


def test_a_short_latest_group_after_a_rebase_gives_no_icon():
    result = spc.xmr(BASE + [20.0, 21.0, 20.0], rebase_at=[12])
    assert result.too_few_points and result.variation is None and result.latest_points == 3
    assert any(w.startswith("Too few points for SPC: group 2 has 3") for w in result.warnings)
    assert not spc.xmr(BASE + [20.0, 21.0, 20.0]).too_few_points


def test_a_p_chart_on_few_points_gives_no_icon():
    result = spc.p_chart([40, 42, 45], [100, 100, 100], improvement="increase")
    assert result.too_few_points and result.variation is None


def test_baseline_needs_twelve_points():
    with pytest.raises(AnalysisError, match="at least 12"):
        spc.xmr(BASE, baseline_points=11)


def test_fixed_baseline_limits_ignore_later_points():
    fixed_result = fixed([100.0, -50.0, 30.0])
    assert fixed_result.groups["upl"].iloc[0] == spc.xmr(BASE).groups["upl"].iloc[0]
    assert fixed_result.groups["n_baseline"].iloc[0] == 12


def test_moving_range_is_not_taken_across_a_gap():
    result = spc.xmr([1.0, 2.0, math.nan, 10.0, 11.0])
    assert result.groups["mean_moving_range"].iloc[0] == pytest.approx(1.0)


def test_absent_periods_are_warned():
    index = pd.to_datetime(["2024-04-01", "2024-05-01", "2024-07-01"])
    result = spc.xmr(pd.Series([1.0, 2.0, 3.0], index=index), frequency="M")
    assert any("absent" in w for w in result.warnings)
    assert list(result.table.index) == list(index)


def test_widely_varying_denominators_are_warned():
    result = spc.xmr([50.0, 60.0, 55.0], denominators=[10, 100, 40])
    assert any("denominator" in w for w in result.warnings)
    assert not any("denominator" in w for w in spc.xmr([50.0, 60.0], denominators=[90, 100]).warnings)


def test_bad_options():
    with pytest.raises(ValueError):
        spc.xmr(BASE, improvement="up")
    with pytest.raises(AnalysisError, match="outside the series"):
        spc.xmr(BASE, rebase_at=[12])
    with pytest.raises(AnalysisError):
        spc.xmr([math.nan, math.nan])


def test_seasonally_adjusted_mode_is_labelled():
    index = pd.date_range("2021-04-01", periods=36, freq="MS")
    t = np.arange(36)
    series = pd.Series(100 + 20 * np.sin(2 * np.pi * t / 12) + np.where(t % 2, 1.0, -1.0), index=index)
    result = spc.xmr_seasonally_adjusted(series, "M", improvement="increase")
    assert result.basis == "seasonally adjusted values"
    assert "seasonally adjusted" in result.warnings[0]
    assert spc.xmr(series).basis == "values"
    # removing a 20-point seasonal swing narrows the limits a lot
    assert result.groups["upl"].iloc[0] - result.groups["lpl"].iloc[0] < 0.5 * (
        spc.xmr(series).groups["upl"].iloc[0] - spc.xmr(series).groups["lpl"].iloc[0]
    )


# --- independent oracle and properties ------------------------------------------------------------------


def oracle(values, screen=True):
    """Brute-force reading of SPC.md: windows checked one by one, no shared code with spc.py."""
    y = [float(v) for v in values]
    n = len(y)
    mean = sum(y) / n
    mrs = [abs(y[i] - y[i - 1]) for i in range(1, n)]
    amr = sum(mrs) / len(mrs)
    if screen:
        kept = [m for m in mrs if m < 3.267 * amr]
        amr = sum(kept) / len(kept) if kept else float("nan")
    if not amr > 0:
        return None
    upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
    hi2, lo2 = mean + 2 * 2.66 / 3 * amr, mean - 2 * 2.66 / 3 * amr
    side = [(v > mean) - (v < mean) for v in y]
    outside = [v > upl or v < lpl for v in y]
    close = [not o and (v > hi2 or v < lo2) for v, o in zip(y, outside, strict=True)]
    flags = {r: [False] * n for r in spc.RULE_ORDER}
    for i in range(n):
        flags["outside_limits"][i] = outside[i]
    for s in range(n - 6):
        window = range(s, s + 7)
        if side[s] != 0 and all(side[j] == side[s] for j in window):
            for j in window:
                flags["run"][j] = True
        if all(y[j + 1] > y[j] for j in range(s, s + 6)) or all(y[j + 1] < y[j] for j in range(s, s + 6)):
            for j in window:
                flags["trend"][j] = True
    for s in range(n - 2):
        window = range(s, s + 3)
        if abs(sum(side[j] for j in window)) == 3 and sum(close[j] for j in window) >= 2:
            for j in window:
                flags["two_of_three"][j] |= close[j]
    return mean, upl, lpl, flags


values_strategy = st.lists(st.integers(min_value=0, max_value=12).map(float), min_size=2, max_size=40)


@settings(max_examples=200, deadline=None)
@given(values_strategy, st.booleans())
def test_matches_independent_oracle(values, screen):
    expected = oracle(values, screen)
    result = spc.xmr(values, screen_outliers=screen)
    if expected is None:
        assert result.groups["upl"].isna().all()
        return
    mean, upl, lpl, flags = expected
    assert result.groups["mean"].iloc[0] == pytest.approx(mean, rel=1e-12, abs=1e-12)
    assert result.groups["upl"].iloc[0] == pytest.approx(upl, rel=1e-12, abs=1e-12)
    assert result.groups["lpl"].iloc[0] == pytest.approx(lpl, rel=1e-12, abs=1e-12)
    for rule in spc.RULE_ORDER:
        got = result.table["rules"].str.contains(rule).tolist()
        assert got == flags[rule], rule


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=30))
def test_limits_are_symmetric_about_the_mean(values):
    table = spc.xmr(values).table
    ok = table["upl"].notna()
    np.testing.assert_allclose((table["upl"] - table["mean"])[ok], (table["mean"] - table["lpl"])[ok],
                               rtol=1e-9, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(values_strategy, values_strategy, st.sampled_from(spc.IMPROVEMENTS))
def test_rebasing_makes_groups_independent(first, second, improvement):
    together = spc.xmr(first + second, rebase_at=[len(first)], improvement=improvement).table
    columns = ["value", "mean", "upl", "lpl", "rules", "point_type"]
    for part, rows in ((first, slice(0, len(first))), (second, slice(len(first), None))):
        alone = spc.xmr(part, improvement=improvement).table[columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(together[columns].iloc[rows].reset_index(drop=True), alone)


# --- p-chart and Laney p' chart (hand-computed) ------------------------------------------------------------

def test_p_chart_limits_by_hand():
    # p-bar = 45 / 400 = 0.1125; sigma_i = sqrt(0.1125 x 0.8875 / n_i); UPL = p-bar + 3 sigma_i
    result = spc.p_chart([10, 12, 8, 15], [100, 100, 80, 120], laney=False)
    table = result.table
    assert table["mean"].iloc[0] == pytest.approx(11.25)
    assert table["value"].tolist() == pytest.approx([10.0, 12.0, 10.0, 12.5])
    assert table["upl"].tolist() == pytest.approx([20.729418494823403, 20.729418494823403, 21.848312070796936,
                                                   19.903485569410744], rel=1e-12)
    assert table["lpl"].iloc[0] == pytest.approx(2 * 11.25 - 20.729418494823403, rel=1e-12)
    assert result.basis == "p-chart"
    assert not table["special_cause"].any() and result.provisional


def test_laney_p_prime_chart_by_hand():
    # z_i = (p_i - p-bar) / sigma_i; sigma_z = mean |z_i - z_(i-1)| / 1.128 = 0.5943610508...
    result = spc.p_chart([10, 12, 8, 15], [100, 100, 80, 120], laney=True)
    assert result.groups["sigma_z"].iloc[0] == pytest.approx(0.5943610508092882, rel=1e-12)
    assert result.table["upl"].tolist() == pytest.approx([16.884197137644243, 16.884197137644243,
                                                          17.549223899203632, 16.39329477619798], rel=1e-12)
    assert result.basis.startswith("Laney p' chart")


def test_laney_chosen_for_large_denominators_where_a_p_chart_flags_everything():
    rng = np.random.default_rng(3)
    denominators = np.full(24, 20000.0)
    shares = 0.8 + rng.normal(0, 0.02, 24)  # extra-binomial variation, as real rates have
    numerators = np.round(shares * denominators)
    plain = spc.p_chart(numerators, denominators, laney=False)
    chosen = spc.p_chart(numerators, denominators)
    assert plain.table["special_cause"].mean() > 0.5
    assert chosen.basis.startswith("Laney") and chosen.table["special_cause"].mean() < 0.2


def test_p_chart_flags_a_point_outside_and_a_run():
    numerators = [50] * 6 + [90] + [50] * 6
    result = spc.p_chart(numerators, [100] * 13, laney=False, improvement="increase")
    assert result.table["rule_shown"].iloc[6] == "outside_limits"
    assert result.table["point_type"].iloc[6] == "special_cause_improvement"


def test_p_chart_refuses_impossible_counts_and_skips_zero_denominators():
    with pytest.raises(AnalysisError):
        spc.p_chart([5, 12], [10, 10])
    result = spc.p_chart([1, 2, 0, 3], [10, 10, 0, 10])
    assert math.isnan(result.table["value"].iloc[2])
