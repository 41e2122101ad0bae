"""The sweep summary's numbers: grouping by value, means over seeds, zeros on a log axis."""
from __future__ import annotations

import math

import numpy as np
import pytest

from workbench.core.sweep_summary import (AxisPlan, DivergedMember, diverged_text, log_ticks, metric_columns,
                                     parse_values, plan_axis, summarize)

COLUMNS = ("value", "seed", "diverged_step", "acc", "kl")
NAN = math.nan


def test_a_log_parameter_with_a_zero_gets_a_log_axis_and_the_zero_a_decade_below():
    axis = plan_axis([0, 1e-2, 1e-1], log_scaled=True)
    assert axis.log and axis.zero_at == pytest.approx(1e-3)
    np.testing.assert_allclose(axis.place([0, 1e-2, 0]), [1e-3, 1e-2, 1e-3])
    assert "β = 0 drawn at 0.001" in axis.label("β")


@pytest.mark.parametrize("values, log_scaled, log", [
    ([1e-3, 1e-1], True, True),        # all positive: log, nothing to move
    ([0, 1, 2], False, False),         # a linear parameter stays linear
    ([-1, 0, 1], True, False),         # negative values cannot sit on a log axis
    ([0, 0], True, False),             # nothing positive to anchor the decade
    ([], True, False),
])
def test_which_parameters_get_a_log_axis(values, log_scaled, log):
    axis = plan_axis(values, log_scaled)
    assert axis.log is log and axis.zero_at is None
    assert axis.label("x") == "x"


def test_log_ticks_label_the_swept_values_and_read_0_at_the_moved_zero():
    axis = plan_axis([0, 1e-3, 1e-2, 1.1e-2, 1], log_scaled=True)
    ticks = log_ticks([0, 1e-3, 1e-2, 1.1e-2, 1], axis)
    assert [t[1] for t in ticks] == ["0", "0.001", "0.01", "1"]  # 0.011 is too close to 0.01
    np.testing.assert_allclose([t[0] for t in ticks], [-4, -3, -2, 0])
    assert log_ticks([0, 1], AxisPlan()) == []


def test_summarize_groups_by_value_averages_over_seeds_and_sets_diverged_apart():
    table = np.array([
        [0.0, 0, NAN, 0.5, 1.0],
        [0.0, 1, NAN, 0.7, 2.0],
        [0.1, 0, NAN, 0.6, 3.0],
        [0.1, 1, 7.0, NAN, NAN],   # diverged at step 7, no metric of its own
        [1.0, 0, 3.0, 0.2, 5.0],   # diverged but evaluated
    ])
    axis = plan_axis(table[:, 0], log_scaled=True)
    s = summarize(table, COLUMNS, "acc", axis)
    np.testing.assert_allclose(s.seeds[0.0][0], [0.01, 0.1])
    np.testing.assert_allclose(s.seeds[0.0][1], [0.5, 0.6])
    np.testing.assert_allclose(s.seeds[1.0][1], [0.7])
    np.testing.assert_allclose(s.mean[0], [0.01, 0.1])            # value 1 has no converged member
    np.testing.assert_allclose(s.mean[1], [0.6, 0.6])
    np.testing.assert_allclose(s.diverged[0], [0.1, 1.0])
    np.testing.assert_allclose(s.diverged[1], [0.2, 0.2])         # NaN drawn at the lowest shown value
    assert s.diverged_members == [DivergedMember(0.1, 1.0, 7.0), DivergedMember(1.0, 0.0, 3.0)]
    err = summarize(table, COLUMNS, "acc", axis, as_error=True)
    np.testing.assert_allclose(err.mean[1], [0.4, 0.4])


def test_summarize_without_rows_or_metric_is_empty():
    assert summarize(np.empty((0, 0)), (), "acc", AxisPlan()).mean[0].size == 0
    table = np.array([[1.0, 0, NAN, 0.5, 1.0]])
    s = summarize(table, COLUMNS, "missing", AxisPlan())
    assert s.seeds == {} and s.diverged_members == []


def test_parse_values_metric_columns_and_the_diverged_text():
    np.testing.assert_array_equal(parse_values("0, 1e-2, x, ,3"), [0, 0.01, 3])
    assert metric_columns(COLUMNS) == ["acc", "kl"]
    assert diverged_text([], "β") == ""
    text = diverged_text([DivergedMember(0.1, 1, 7), DivergedMember(1, 0, NAN)], "β")
    assert text == "diverged: β = 0.1 (seed 1, step 7); β = 1 (seed 0)"


def test_grouped_summary_has_a_line_per_group_and_counts_divergences_below_the_data():
    columns = ("value", "seed", "diverged_step", "group", "acc")
    nan = float("nan")
    table = np.array([[0.1, 0, nan, 0, 0.9], [0.1, 1, nan, 0, 0.8], [1.0, 0, 5, 0, nan], [1.0, 1, nan, 0, 0.5],
                      [0.1, 0, nan, 1, 0.7], [0.1, 1, nan, 1, 0.7], [1.0, 0, nan, 1, 0.95], [1.0, 1, nan, 1, 0.85]])
    s = summarize(table, columns, "acc", plan_axis([0.1, 1.0], True), group_names=("none", "bn"))
    assert set(s.group_means) == {"none", "bn"} and not s.seeds and s.mean[0].size == 0
    np.testing.assert_allclose(s.group_means["none"][1], [0.85, 0.5])  # the diverged seed left out
    np.testing.assert_allclose(s.group_means["bn"][1], [0.7, 0.9])
    x, y, texts = s.group_diverged["none"]
    assert list(x) == [1.0] and texts == ["1/2"] and y[0] < 0.5  # on a row below every measured value
    assert s.group_diverged["bn"][2] == []
    assert diverged_text(s.diverged_members, "lr") == "diverged: none, lr = 1 (seed 0, step 5)"


def test_a_run_that_failed_without_diverging_has_no_point_and_no_part_in_the_mean():
    """A generic sweep's error row: metrics NaN, diverged_step NaN (a NaN point would crash the paint)."""
    columns = ("value", "seed", "diverged_step", "m")
    table = np.array([[2.0, 0.0, math.nan, math.nan], [6.0, 0.0, math.nan, 0.9], [6.0, 1.0, math.nan, 0.7]])
    summary = summarize(table, columns, "m", AxisPlan())
    x, y = summary.seeds[0.0]
    assert list(x) == [6.0] and list(y) == [0.9]
    np.testing.assert_allclose(summary.mean[1], [0.8])
