"""The batchnorm tabs that run their own experiment (ICS, noisy BN) on the shared FormTab (Run / Stop
mode): a run fills the plots, an invalid value is refused with the parameter named."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.topics.batchnorm.ics_view import IcsView
from workbench.topics.batchnorm.noisy_view import NoisyView, histogram_image

TIMEOUT_MS = 60_000


@pytest.fixture
def ics(qtbot):
    view = IcsView(process=False)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    yield view
    assert view.shutdown()


def _finish(qtbot, view):
    with qtbot.waitSignal(view.controller.runEnded, timeout=TIMEOUT_MS):
        view.start()
    view.draw()


def test_ics_run_draws_one_point_per_layer_for_both_nets(qtbot, ics):
    ics.form.set_values({**ics.form.values(), "depth": 3, "width": 16, "steps": 30, "measure_every": 10})
    _finish(qtbot, ics)
    l2 = ics.series()["ics_l2"]
    assert set(l2) == {"A: none", "B: bn"}
    layers, values = l2["A: none"]
    assert list(layers) == [1, 2, 3] and np.all(values > 0)
    _, cosines = ics.series()["ics_cosine"]["B: bn"]
    assert np.all((cosines > 0) & (cosines <= 1 + 1e-9))
    assert len(ics.series()["ics_accuracy"]["A: none"][0]) == 4  # steps 1, 10, 20, 30
    assert "done" in ics.progress.text()


def test_ics_refuses_an_invalid_value_and_names_it(qtbot, ics):
    with qtbot.waitSignal(ics.controller.runEnded, timeout=TIMEOUT_MS):
        ics.controller.start({**ics.form.values(), "lr": 50.0})
    assert "lr" in ics.status.text() and "allowed" in ics.status.text()


def test_histogram_image_columns_are_densities():
    rng = np.random.default_rng(0)
    records = rng.normal(size=(5, 4000))
    image = histogram_image(records, -4.0, 4.0, bins=40)
    assert image.shape == (40, 5)
    assert np.allclose(image.sum(0) * (8.0 / 40), 1.0, atol=1e-3)
    peak_row = image[:, 0].argmax()
    assert abs((peak_row + 0.5) * 0.2 - 4.0) < 0.6  # the mode of N(0, 1) sits near 0


def test_noisy_run_shows_three_histogram_images_and_drift(qtbot):
    view = NoisyView(process=False)
    qtbot.addWidget(view)
    view.form.set_values({**view.form.values(), "steps": 40, "record_every": 10})
    _finish(qtbot, view)
    for heat in view.maps.values():
        assert heat.matrix().shape == (60, 5)
    text = view.readout.text()
    assert text.count("drift of unit means") == 3 and "noisy BN" in text
    assert view.shutdown()


def test_ics_hides_depth_and_width_for_the_deep_linear_net(qtbot, ics):
    assert ics.form.is_row_visible("depth")
    ics.form.set_values({"model": "deep_linear"}, emit=True)
    assert not ics.form.is_row_visible("depth") and not ics.form.is_row_visible("width")
    assert ics.form.is_row_visible("lr")
