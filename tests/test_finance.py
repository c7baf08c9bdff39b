"""Budget scorecard: F/A for spending and income, RAG, movement, totals checked (rounding vs mismatch)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import analytics
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


def test_each_total_adds_up_its_own_lines_only():
    result = finance.scorecard(budget_table())
    checks = result.checks.set_index(["line", "column"])
    # the grand total adds its own two lines (the subtotals 4 + 1), not the subtotals and their lines too
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


# --- parent and child lines ------------------------------------------------------------------------------------
# Hand-built scorecards, £m to 2 dp, in the layouts councils print: each states its figures as the file would.

def lines_of(rows, **extra):
    """(label, budget, forecast) rows as the frame ``scorecard`` reads."""
    return pd.DataFrame({"line": [r[0] for r in rows], "budget": [r[1] for r in rows],
                         "forecast": [r[2] for r in rows], **extra})


def structure(result):
    """Each line's parent line (None at the top), in order."""
    table = result.table
    return [table["line"][p] if p >= 0 else None for p in table["parent_row"]]


# Parents followed by their children, a grand total last: the layout the issue measured (it adds up).
PARENT_FIRST = [("Older People", 60.00, 58.50), ("Residential care", 40.00, 39.00), ("Home care", 20.00, 19.50),
                ("Learning Disabilities", 37.66, 38.00), ("Residential care", 25.00, 25.40),
                ("Supported living", 12.66, 12.60), ("Total Adult Social Care", 97.66, 96.50)]
PARENT_FIRST_TREE = ["Total Adult Social Care", "Older People", "Older People", "Total Adult Social Care",
                     "Learning Disabilities", "Learning Disabilities", None]


def assert_adds_up(result):
    assert (result.checks["status"] == "ok").all(), result.checks[result.checks["status"] != "ok"]
    assert not any("differ" in w for w in result.warnings)


def test_flat_scorecard_has_one_level_and_no_invented_totals():
    rows = [("Residential", 41.27, 42.10), ("Home care", 18.35, 17.90), ("Reablement", 6.42, 6.45),
            ("Day care", 3.18, 2.97), ("Direct payments", 12.06, 12.51), ("Equipment", 2.25, 2.25)]
    result = finance.scorecard(lines_of(rows))
    assert result.table["level"].tolist() == [0] * 6
    assert not result.table["is_total"].any() and result.checks["column"].eq("variance").all()
    assert finance.structure_note(result).startswith("Every line is at one level")
    assert finance.overall_variance(result) == pytest.approx(sum(f - b for _, b, f in rows))
    assert len(finance.level_view(result.table)) == 6


def test_two_levels_by_indentation():
    indented = [("Older People", 0), ("Residential care", 1), ("Home care", 1), ("Learning Disabilities", 0),
                ("Residential care", 1), ("Supported living", 1), ("Total Adult Social Care", 0)]
    rows = [("    " * level + name, b, f) for (name, level), (_, b, f) in zip(indented, PARENT_FIRST, strict=True)]
    result = finance.scorecard(lines_of(rows))
    assert result.structure == "indentation"
    assert structure(result) == PARENT_FIRST_TREE
    assert result.table["line"].tolist() == [r[0] for r in PARENT_FIRST]  # the spaces are not part of the name
    assert_adds_up(result)
    # Excel's indent level, where the reader gives it, instead of spaces
    by_level = finance.scorecard(lines_of(PARENT_FIRST, indent=[level for _, level in indented]))
    assert structure(by_level) == PARENT_FIRST_TREE


def test_indented_heading_with_its_total_below():
    rows = [("Older People", None, None), ("  Residential care", 40.0, 39.0), ("  Home care", 20.0, 19.5),
            ("Total Older People", 60.0, 58.5), ("Mental Health", None, None), ("  Community support", 9.4, 9.02),
            ("  Residential care", 7.25, 7.61), ("Total Mental Health", 16.65, 16.63),
            ("Total Adult Social Care", 76.65, 75.13)]
    result = finance.scorecard(lines_of(rows))
    assert structure(result) == ["Total Adult Social Care", "Total Older People", "Total Older People",
                                 "Total Adult Social Care", "Total Adult Social Care", "Total Mental Health",
                                 "Total Mental Health", "Total Adult Social Care", None]
    assert_adds_up(result)


def test_two_levels_by_shared_prefix():
    rows = [("ASC - Older People", 60.00, 58.50), ("ASC - Older People - Residential care", 40.00, 39.00),
            ("ASC - Older People - Home care", 20.00, 19.50), ("ASC - Learning Disabilities", 37.66, 38.00),
            ("ASC - Learning Disabilities - Residential care", 25.00, 25.40),
            ("ASC - Learning Disabilities - Supported living", 12.66, 12.60)]
    result = finance.scorecard(lines_of(rows))
    assert result.structure == "a shared prefix"
    assert structure(result) == [None, "ASC - Older People", "ASC - Older People", None,
                                 "ASC - Learning Disabilities", "ASC - Learning Disabilities"]
    assert result.table["label"].tolist()[1:3] == ["Residential care, ASC - Older People", "Home care"]
    assert_adds_up(result)
    assert finance.overall_variance(result) == pytest.approx(-1.50 + 0.34)  # the two parents, not their lines too


def test_two_levels_by_outline_codes():
    rows = [("C1 Older People", 60.00, 58.50), ("C1.1 Residential care", 40.00, 39.00),
            ("C1.2 Home care", 20.00, 19.50), ("C2 Learning Disabilities", 37.66, 38.00),
            ("C2.1 Residential care", 25.00, 25.40), ("C2.2 Supported living", 12.66, 12.60)]
    result = finance.scorecard(lines_of(rows))
    assert result.structure == "outline codes"
    assert result.table["parent_row"].tolist() == [-1, 0, 0, -1, 3, 3]
    assert result.table["name"].tolist()[:2] == ["Older People", "Residential care"]


def test_subtotals_found_from_the_numbers_above_or_below_their_lines():
    parent_first = finance.scorecard(lines_of(PARENT_FIRST))
    assert parent_first.structure.startswith("subtotals")
    assert structure(parent_first) == PARENT_FIRST_TREE
    assert_adds_up(parent_first)
    # lines first, each subtotal after them, nested under a grand total; rounded independently (0.01 out)
    rows = [("Residential care", 40.00, 39.01), ("Home care", 20.00, 19.50), ("Older People", 60.00, 58.50),
            ("Residential care", 25.00, 25.40), ("Supported living", 12.66, 12.60),
            ("Learning Disabilities", 37.66, 38.00), ("Adult Social Care", 97.66, 96.50)]
    result = finance.scorecard(lines_of(rows))
    assert structure(result) == ["Older People", "Older People", "Adult Social Care", "Learning Disabilities",
                                 "Learning Disabilities", "Adult Social Care", None]
    check = result.checks.set_index(["line", "column"]).loc[("Older People", "forecast")]
    assert check["status"] == "rounding"
    assert result.table["level"].tolist() == [2, 2, 1, 2, 2, 1, 0]


def test_zero_lines_are_no_evidence_of_a_subtotal():
    result = finance.scorecard(lines_of([("Vacancy factor", 0.0, 0.0), ("Unallocated", 0.0, 0.0),
                                         ("Contingency", 0.0, 0.0), ("Staffing", 3.2, 3.1)]))
    assert result.table["level"].tolist() == [0, 0, 0, 0]


def test_a_true_mismatch_is_still_reported_and_only_where_it_is():
    # Indented: Home care is printed as 21.00 but Older People (60.00) says the lines add to 60.00
    rows = [(("  " if level else "") + name, b, f) for (name, b, f), level in
            zip(PARENT_FIRST, [0, 1, 1, 0, 1, 1, 0], strict=True)]
    rows[2] = ("  Home care", 21.00, 19.50)
    result = finance.scorecard(lines_of(rows))
    bad = result.checks[result.checks["status"] == "mismatch"]
    assert bad[["line", "column"]].values.tolist() == [["Older People", "budget"]]
    assert bad["computed"].iloc[0] == pytest.approx(61.00)
    # flat with a total that does not add up
    flat = finance.scorecard(lines_of([("a", 1.0, 1.0), ("b", 2.0, 2.0), ("Total", 3.0, 3.4)]))
    assert flat.checks.set_index("column").loc["forecast", "status"] == "mismatch"


def test_same_name_under_two_parents_kept_apart_and_labelled():
    result = finance.scorecard(lines_of(PARENT_FIRST))
    residential = result.table[result.table["name"] == "Residential care"]
    assert residential["budget"].tolist() == [40.00, 25.00]  # never averaged into 32.50
    assert residential["label"].tolist() == ["Residential care, Older People",
                                             "Residential care, Learning Disabilities"]
    assert residential["parent"].tolist() == ["Older People", "Learning Disabilities"]


def test_level_view_and_parents_to_drill_into():
    table = finance.scorecard(lines_of(PARENT_FIRST)).table
    assert finance.default_level(table) == 1  # under the grand total
    assert finance.level_view(table)["line"].tolist() == ["Older People", "Learning Disabilities"]
    assert finance.parents_at(table, 2)["line"].tolist() == ["Older People", "Learning Disabilities"]
    assert finance.level_view(table, 2, parent=3)["line"].tolist() == ["Residential care", "Supported living"]
    assert list(finance.level_names(table)) == [0, 1, 2]


def scorecard_workbook(rows) -> bytes:
    """A scorecard as a council prints it: a title, a header, one label column, £m figures."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Adult Social Care revenue monitoring 2024/25, month 6"])
    sheet.append([])
    sheet.append(["Service", "Budget £m", "Forecast outturn £m", "Variance £m"])
    for label, budget, forecast in rows:
        sheet.append([label, budget, forecast, round(forecast - budget, 2)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_parent_first_workbook_read_and_checked_as_the_issue_measured():
    data = analytics.load(scorecard_workbook(PARENT_FIRST), filename="scorecard.xlsx")
    result = finance.scorecard(finance.scorecard_frame(data))
    assert result.table["line"].tolist() == [r[0] for r in PARENT_FIRST]
    assert result.table["budget"].tolist() == [r[1] for r in PARENT_FIRST]  # every figure is one in the file
    assert structure(result) == PARENT_FIRST_TREE
    assert_adds_up(result)  # was: "the stated budget of £97.66m differs from the sum of its lines' budget"
    assert finance.overall_variance(result) == pytest.approx(-1.16)


def test_sample_scorecard_levels():
    data = analytics.load(Path(__file__).parents[1] / "sample_data" / "finance_scorecard.xlsx")
    result = finance.scorecard(finance.scorecard_frame(data))
    assert result.structure == "the parent column"
    assert result.table["level"].value_counts().sort_index().tolist() == [1, 4, 12]
    assert finance.grand_total(result)["line"] == "Total Adult Social Care"
    assert finance.level_view(result.table)["line"].str.startswith("Total ").all()
    assert finance.overall_variance(result) == pytest.approx(-4.03)
    assert (result.checks["status"] != "mismatch").all()


def test_coarse_figures_are_no_evidence_of_subtotals():
    """Whole £m on lines of a few £m: many sums of neighbours match some line by chance."""
    rng = np.random.default_rng(7)
    budget = rng.integers(1, 10, 40).astype(float)
    forecast = budget + rng.integers(-1, 2, 40)
    result = finance.scorecard(pd.DataFrame({"line": [f"Line {i}" for i in range(40)], "budget": budget,
                                             "forecast": forecast}))
    assert result.table["level"].eq(0).all()
    assert finance.COARSE_NOTE in result.warnings


def test_simulated_two_level_scorecards_are_recognised_from_their_numbers():
    """Fixed seed: 20 scorecards of 3 to 6 service areas, each a subtotal printed above 2 to 6 lines, and a
    grand total, £m rounded to 2 dp as printed (so subtotals are off by rounding); every one read right."""
    rng = np.random.default_rng(11)
    for _ in range(20):
        rows, truth = [], []
        for _ in range(rng.integers(3, 7)):
            budget = rng.lognormal(1.5, 1.0, rng.integers(2, 7))
            forecast = budget * (1 + rng.normal(0, 0.05, len(budget)))
            head = len(rows)
            rows.append((budget.sum(), forecast.sum()))
            truth.append("grand")
            rows += list(zip(budget, forecast, strict=True))
            truth += [head] * len(budget)
        rows.append((sum(r[0] for r, t in zip(rows, truth, strict=True) if t == "grand"),
                     sum(r[1] for r, t in zip(rows, truth, strict=True) if t == "grand")))
        truth = [len(rows) - 1 if t == "grand" else t for t in truth] + [-1]
        figures = np.round(np.array(rows), 2)
        result = finance.scorecard(pd.DataFrame({"line": [f"Line {i}" for i in range(len(rows))],
                                                 "budget": figures[:, 0], "forecast": figures[:, 1]}))
        assert result.table["parent_row"].tolist() == truth
        assert (result.checks["status"] != "mismatch").all()


def test_a_heading_without_figures_is_no_line_of_any_level():
    rows = [("Residential care", 40.0, 39.0), ("Home care", 20.0, 19.5), ("Total Older People", 60.0, 58.5),
            ("Mental Health", None, None), ("Community support", 9.4, 9.02), ("Residential care", 7.25, 7.61),
            ("Total Mental Health", 16.65, 16.63), ("Total Adult Social Care", 76.65, 75.13)]
    result = finance.scorecard(lines_of(rows))
    assert finance.grand_total(result)["line"] == "Total Adult Social Care"
    assert finance.level_view(result.table)["line"].tolist() == ["Total Older People", "Total Mental Health"]
    assert "Mental Health" not in finance.level_view(result.table, 0)["line"].tolist()
    assert_adds_up(result)
