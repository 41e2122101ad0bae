"""The batchnorm "Loss surface" tab: A and B on one colour scale, log₁₀ loss by default, partial
grids shown filled, trajectories drawn, readouts, CSV series, and the 3-D views built only on demand."""
from __future__ import annotations


import numpy as np
import pytest

from tests.gl import needs_x

from workbench.topics.batchnorm.surface_view import SurfaceView, readout, shared_levels

R = 17
AXIS = np.linspace(-1.0, 1.0, R)


def surfaces():
    X, Y = np.meshgrid(AXIS, AXIS, indexing="ij")
    a = 0.03 + 5.0 * (X - 0.25) ** 2 + 12.0 * Y**2  # steep, minimum right of the centre
    b = 0.05 + 0.5 * X**2 + 0.4 * Y**2              # flat
    return a, b


def trajectories():
    t = np.linspace(0.0, 1.0, 12)
    return (np.column_stack([0.8 * (1 - t), 0.5 * (1 - t) ** 2]),
            np.column_stack([-0.6 * (1 - t), 0.7 * (1 - t)]))


def arrays(partial_b=False):
    a, b = surfaces()
    if partial_b:
        b = b.copy()
        keep = np.zeros_like(b, dtype=bool)
        keep[::4, ::4] = True
        b[~keep] = np.nan
    ta, tb = trajectories()
    return {"surface_a": a, "surface_b": b, "surface_axis": AXIS, "trajectory_a": ta, "trajectory_b": tb,
            "unrelated": np.zeros(3)}


@pytest.fixture
def view(qtbot):
    v = SurfaceView()
    qtbot.addWidget(v)
    v.resize(900, 450)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_draws_log_loss_on_a_shared_scale_with_titles_and_readouts(view):
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    a, b = surfaces()
    za, x, y = view.maps["a"].field()
    np.testing.assert_allclose(za, np.log10(a))
    np.testing.assert_allclose(x, AXIS)
    assert view.maps["a"].levels() == view.maps["b"].levels()
    lo, hi = view.maps["a"].levels()
    assert lo == pytest.approx(np.log10(min(a.min(), b.min())))
    assert hi == pytest.approx(np.log10(max(a.max(), b.max())))
    assert view.maps["a"].plot_item.titleLabel.text == "A: none"
    assert view.maps["b"].plot_item.titleLabel.text == "B: bn"
    text = view.readouts["a"].text()
    assert text.startswith(f"A (none): {R * R}/{R * R} points · centre ")
    assert f"centre {a[R // 2, R // 2]:.3g}" in text and f"range {a.min():.3g}–{a.max():.3g}" in text
    assert "log₁₀" in view.maps["a"].colorbar.axis.labelText


def test_minimum_of_a_lies_right_of_the_centre(view):
    """Row i of the engine's grid is d₁ = axis[i]: the plot's x axis."""
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    z, x, y = view.maps["a"].field()
    i, j = np.unravel_index(np.argmin(z), z.shape)
    assert x[i] == pytest.approx(0.25) and y[j] == pytest.approx(0.0)
    assert view.maps["a"].value_at(0.25, 0.0) == z.min()


def test_partial_grid_is_shown_filled(view):
    view.take(arrays(partial_b=True), {"a": "none", "b": "bn"})
    view.draw()
    zb = view.maps["b"].field()[0]
    assert np.isfinite(zb).all()
    _, b = surfaces()
    assert zb[1, 1] == pytest.approx(np.log10(b[0, 0])) and zb[7, 9] == pytest.approx(np.log10(b[8, 8]))
    assert view.readouts["b"].text().startswith("B (bn): 25/289 points · centre 0.05")
    assert view.maps["a"].levels() == view.maps["b"].levels()


def test_trajectories_and_centre_marker(view):
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    ta, tb = trajectories()
    np.testing.assert_allclose(view.maps["a"].path(), ta)
    np.testing.assert_allclose(view.maps["b"].path(), tb)
    assert view.maps["a"].marker() == (0.0, 0.0)
    view.take({"trajectory_a": ta[:5]}, {"a": "none", "b": "bn"})
    view.draw()
    np.testing.assert_allclose(view.maps["a"].path(), ta[:5])


def test_draw_does_nothing_without_new_data(view, monkeypatch):
    calls = []
    monkeypatch.setattr(view.maps["a"], "set_field", lambda *a, **k: calls.append(1))
    view.draw()
    view.take({"unrelated": np.zeros(2)}, {"a": "none", "b": "bn"})
    view.draw()
    assert calls == []
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    view.draw()
    assert calls == [1]


def test_linear_check_box_switches_scale(view):
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    view.linear.setChecked(True)
    a, b = surfaces()
    np.testing.assert_allclose(view.maps["a"].field()[0], a)
    lo, hi = view.maps["b"].levels()
    assert lo == pytest.approx(min(a.min(), b.min()))
    assert hi == pytest.approx(np.quantile(np.concatenate([a.ravel(), b.ravel()]), 0.95))
    assert view.maps["a"].colorbar.axis.labelText == "loss"


def test_series_export_has_finite_numbers(view):
    view.take(arrays(partial_b=True), {"a": "none", "b": "bn"})
    view.draw()
    series = view.series()
    assert set(series) == set(view.plots()) == {"surface_a", "surface_b"}
    a, _ = surfaces()
    for plot, named in series.items():
        assert {"trajectory", "loss along d1 at d2=0", "loss along d2 at d1=0"} <= set(named)
        for x, y in named.values():
            assert len(x) == len(y) > 0 and np.isfinite(x).all() and np.isfinite(y).all()
    np.testing.assert_allclose(series["surface_a"]["loss along d1 at d2=0"][1], a[:, R // 2])


def test_clear_theme_and_no_gl_until_asked(view):
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    for name in ("dark", "light"):
        view.apply_theme(name)
    assert view.views3d == {}
    view.clear()
    assert view.maps["a"].field()[0].size == 0 and view.readouts["a"].text() == "A: no surface yet"
    assert view.series()["surface_a"]["trajectory"][0].size == 0
    view.draw()


def test_helpers():
    assert shared_levels([np.array([1.0, np.inf]), np.array([np.nan, 3.0])], linear=False) == (1.0, 3.0)
    assert shared_levels([], linear=True) == (0.0, 1.0)
    raw = np.full((3, 3), np.nan)
    assert readout("a", "none", raw, np.linspace(-1, 1, 3)) == "A (none): 0/9 points · centre – · range –––"


def test_display_fill_matches_the_engines_fill():
    from engines.batchnorm.surface import fill_from_coarse
    from widgets.surface_map import fill_nearest

    b = arrays(partial_b=True)["surface_b"]
    b[3, 3] = np.inf
    np.testing.assert_array_equal(fill_nearest(b), fill_from_coarse(b))


@pytest.mark.gl
@needs_x
def test_three_d_views_are_built_when_first_asked(view, qtbot):
    view.take(arrays(), {"a": "none", "b": "bn"})
    view.draw()
    view.three_d.setChecked(True)
    qtbot.wait(50)
    assert set(view.views3d) == {"a", "b"}
    assert view.views3d["a"].levels() == view.views3d["b"].levels() == view.maps["a"].levels()
    img = view.views3d["b"].grab_image()
    assert img.width() > 100
    view.three_d.setChecked(False)
    assert view._stacks["a"].currentWidget() is view.maps["a"]


def test_readout_says_when_the_plane_misses_the_trajectory():
    from workbench.topics.batchnorm.surface_view import readout

    axis = np.linspace(-1, 1, 5)
    grid = np.ones((5, 5))
    flat = readout("a", "none", grid, axis, np.array([[1e-4, -2e-4], [0.0, 0.0]]))
    assert "trajectory reaches 0.0002 of the span" in flat and "choose surface plane = pca" in flat
    seen = readout("a", "none", grid, axis, np.array([[0.6, -0.3], [0.0, 0.0]]))
    assert "reaches 0.6 of the span" in seen and "pca" not in seen


def test_a_long_readout_wraps_instead_of_widening_the_tab(qtbot):
    from workbench.topics.batchnorm.surface_view import SurfaceView

    view = SurfaceView()
    qtbot.addWidget(view)
    axis = np.linspace(-1, 1, 5)
    arrays = {"surface_axis": axis, "surface_a": np.ones((5, 5)), "surface_b": np.ones((5, 5)),
              "trajectory_a": np.array([[1e-5, 1e-5], [0.0, 0.0]]), "trajectory_b": np.array([[1e-5, 0], [0.0, 0.0]])}
    view.take(arrays, {"a": "none", "b": "bn"}, "filter_random")
    view.draw()
    assert "choose surface plane = pca" in view.readouts["a"].text()
    assert view.readouts["a"].minimumSizeHint().width() < 300  # unwrapped, this line is ~900 px


def test_the_3d_scale_is_stated_in_words_when_3d_is_on(qtbot):
    """The 3-D views have no colour bar: the hint line carries the shared height scale."""
    from workbench.topics.batchnorm.surface_view import SurfaceView

    view = SurfaceView()
    qtbot.addWidget(view)
    axis = np.linspace(-1, 1, 5)
    arrays = {"surface_axis": axis, "surface_a": np.full((5, 5), 10.0), "surface_b": np.full((5, 5), 0.1)}
    view.take(arrays, {"a": "none", "b": "bn"})
    view.draw()
    assert "3-D height" not in view.hint.text()
    view.three_d.blockSignals(True)  # no OpenGL offscreen: only the wording is checked here
    view.three_d.setChecked(True)
    view.three_d.blockSignals(False)
    view._redraw_now()
    assert "log₁₀ loss from -1 (floor) to 1 (top), one scale for A and B" in view.hint.text()
