"""Budget scorecard: F/A for spending and income, RAG, movement, totals checked (rounding vs mismatch)."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import finance
from analytics.errors import AnalysisError


def budget_table(older_people_forecast=4.03):
    """£m to 2 dp. Older people lines add up to a forecast of 4.02; the stated subtotal is a parameter."""
    return pd.DataFrame({
        "line": ["Residential", "Home care", "Client income", "Older people", "Staffing", "Mental health",
                 "Total ASC"],
        "parent": ["Older people", "Older people", "Older people", "ASC", "Mental health", "ASC", None],
        "budget": [3.00, 1.50, -0.50, 4.00, 1.00, 1.00, 5.00],
        "forecast": [3.20, 1.40, -0.58, older_people_forecast, 1.10, 1.10, 5.12],
        "variance": [0.20, -0.10, -0.08, 0.03, 0.10, 0.10, 0.12],
        "last_forecast": [3.10, 1.40, -0.50, 4.00, 1.00, 1.00, 5.00],
        "is_total": [False, False, False, True, False, True, True],
    })


def row(result, line):
    return result.table.set_index("line").loc[line]


def test_variance_and_favourable_adverse():
    result = finance.scorecard(budget_table())
    assert row(result, "Residential")["variance"] == pytest.approx(0.20)
    assert row(result, "Residential")["fa"] == "A"  # overspend
    assert row(result, "Home care")["fa"] == "F"  # underspend


def test_income_lines_more_income_is_favourable():
    result = finance.scorecard(budget_table())
    income = row(result, "Client income")
    assert income["kind"] == "income"
    assert income["variance"] == pytest.approx(-0.08)
    assert income["fa"] == "F"
    less_income = finance.scorecard(pd.DataFrame({"line": ["Fees"], "budget": [-1.0], "forecast": [-0.9]}))
    assert less_income.table["fa"].iloc[0] == "A"


def test_on_budget():
    result = finance.scorecard(pd.DataFrame({"line": ["x"], "budget": [2.0], "forecast": [2.0]}))
    assert result.table["fa"].iloc[0] == "on budget"
    assert result.table["rag"].iloc[0] == "Green"


def test_rounding_difference_is_reported_not_hidden():
    result = finance.scorecard(budget_table(4.03))
    checks = result.checks.set_index(["line", "column"])
    check = checks.loc[("Older people", "forecast")]
    assert (check["stated"], check["computed"]) == (4.03, pytest.approx(4.02))
    assert check["status"] == "rounding"
    assert row(result, "Older people")["check"] == "rounding"
    assert any("rounding" in w for w in result.warnings)
    assert result.rounding_unit == pytest.approx(0.01)


def test_bigger_difference_is_a_mismatch():
    result = finance.scorecard(budget_table(4.10))
    check = result.checks.set_index(["line", "column"]).loc[("Older people", "forecast")]
    assert check["status"] == "mismatch"
    assert any("Older people" in w and "4.02" in w for w in result.warnings)


def test_grand_total_and_subtotal_add_up_leaves_only():
    result = finance.scorecard(budget_table())
    checks = result.checks.set_index(["line", "column"])
    # grand total adds the four leaf lines, not the subtotals: 3 + 1.5 - 0.5 + 1 = 5
    assert checks.loc[("Total ASC", "budget"), "computed"] == pytest.approx(5.0)
    assert checks.loc[("Total ASC", "budget"), "status"] == "ok"
    assert checks.loc[("Mental health", "forecast"), "computed"] == pytest.approx(1.10)


def test_nested_subtotals():
    frame = pd.DataFrame({
        "line": ["a", "b", "Group X", "c", "Division", "Council total"],
        "parent": ["Group X", "Group X", "Division", "Division", "Council", None],
        "budget": [1.0, 2.0, 3.0, 4.0, 7.0, 7.0],
        "forecast": [1.0, 2.0, 3.0, 4.0, 7.0, 7.0],
        "is_total": [False, False, True, False, True, True],
    })
    checks = finance.scorecard(frame).checks.set_index(["line", "column"])
    assert checks.loc[("Division", "budget"), "computed"] == pytest.approx(7.0)
    assert checks.loc[("Group X", "budget"), "computed"] == pytest.approx(3.0)
    assert (checks["status"] == "ok").all()


def test_stated_line_variance_is_checked():
    frame = pd.DataFrame({"line": ["x", "y"], "budget": [1.00, 2.00], "forecast": [1.50, 2.20],
                          "variance": [0.50, 0.30]})
    checks = finance.scorecard(frame, rounding_unit=0.01).checks.set_index("line")
    assert checks.loc["x", "status"] == "ok"
    assert checks.loc["y", "status"] == "mismatch"
    # figures shown to 1 dp (inferred): 0.1 is within 3 half-units of rounding
    assert finance.scorecard(frame).checks.set_index("line").loc["y", "status"] == "rounding"


def test_movement_since_last_month():
    result = finance.scorecard(budget_table())
    assert row(result, "Residential")["movement"] == pytest.approx(0.10)
    assert row(result, "Residential")["movement_direction"] == "adverse"
    assert row(result, "Client income")["movement_direction"] == "favourable"
    assert row(result, "Home care")["movement_direction"] == "no movement"
    by_variance = finance.scorecard(pd.DataFrame({"line": ["x"], "budget": [10.0], "forecast": [9.0],
                                                  "last_variance": [0.5]}))
    assert by_variance.table["movement"].iloc[0] == pytest.approx(-1.5)


@pytest.mark.parametrize(("forecast", "rag"),
                         [(9.0, "Green"), (10.0, "Green"), (10.5, "Amber"), (10.6, "Red")])
def test_rag_thresholds(forecast, rag):
    frame = pd.DataFrame({"line": ["x"], "budget": [10.0], "forecast": [forecast]})
    assert finance.scorecard(frame).table["rag"].iloc[0] == rag


def test_rag_thresholds_are_configurable():
    frame = pd.DataFrame({"line": ["x"], "budget": [10.0], "forecast": [10.05]})
    assert finance.scorecard(frame).table["rag"].iloc[0] == "Amber"
    assert finance.scorecard(frame, rag_thresholds=(0.01, 0.05)).table["rag"].iloc[0] == "Green"


def test_column_names_can_be_mapped_and_are_checked():
    frame = pd.DataFrame({"Service": ["x"], "Budget £m": [1.0], "Outturn £m": [1.2]})
    result = finance.scorecard(frame, columns={"line": "Service", "budget": "Budget £m",
                                               "forecast": "Outturn £m"})
    assert result.table["variance"].iloc[0] == pytest.approx(0.2)
    with pytest.raises(AnalysisError, match="forecast"):
        finance.scorecard(frame, columns={"line": "Service", "budget": "Budget £m"})


def test_totals_found_by_name_when_not_flagged():
    frame = pd.DataFrame({"line": ["a", "b", "Total"], "budget": [1.0, 2.0, 3.0],
                          "forecast": [1.0, 2.0, 3.5]})
    result = finance.scorecard(frame)
    assert result.table["is_total"].tolist() == [False, False, True]
    assert result.checks.set_index("column").loc["forecast", "status"] == "mismatch"
    assert any("treated as totals" in w for w in result.warnings)


def test_rounding_unit_inference():
    assert finance.infer_rounding_unit([1.5, 2.25, 3]) == pytest.approx(0.01)
    assert finance.infer_rounding_unit([100, 200]) == 1.0


def test_a_total_over_income_and_spending_is_net():
    frame = pd.DataFrame({"line": ["Care", "Contributions", "Total Area"], "parent": ["Area", "Area", None],
                          "budget": [10.0, -4.0, 6.0], "forecast": [11.0, -5.0, 6.0]})
    result = finance.scorecard(frame)
    assert result.table["kind"].tolist() == ["expenditure", "income", "net"]
