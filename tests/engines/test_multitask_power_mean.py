"""The power-mean dial (M-5, multitask.md §b's reference numbers): L(γ) monotone between min and max,
the four classical means, weights ∝ L_i^{γ−1}, and the λ^γ a rescaled task's share changes by,
measured from the exact derivatives (tolerances: 1e-12 relative unless the note gives 4 digits)."""
import numpy as np
import pytest

from engines.core.params import ParameterError
from engines.multitask.power_mean import POWER_MEAN_PARAMS, dial, is_monotone


def frame(**values):
    return dial(POWER_MEAN_PARAMS.validate({**POWER_MEAN_PARAMS.defaults(), **values}))


def test_the_reference_means_and_weights_of_the_note():
    f = frame(losses="0.5, 2, 8", gamma=2.0)
    s = f.scalars
    assert s["harmonic_mean"] == pytest.approx(1.1429, abs=1e-4)
    assert s["geometric_mean"] == pytest.approx(2.0, rel=1e-12)
    assert s["arithmetic_mean"] == pytest.approx(3.5, rel=1e-12)
    assert s["quadratic_mean"] == pytest.approx(4.7697, abs=1e-4)
    assert f.arrays["bars"][:, 3] == pytest.approx([0.048, 0.190, 0.762], abs=1e-3)
    weights = frame(losses="0.5, 2, 8", gamma=-4.0).arrays["bars"][:, 3]
    assert weights == pytest.approx([0.999, 0.001, 0.0], abs=1e-3)


def test_the_curve_rises_from_min_to_max():
    f = frame(losses="0.01, 3, 50, 1000", gamma=0.3)
    curve = f.arrays["curve"]
    assert is_monotone(curve) and is_monotone(curve[:, [0, 2]])
    assert 0.01 < curve[0, 1] < curve[-1, 1] < 1000.0
    assert curve[0, 1] < 0.02 and curve[-1, 1] > 600.0      # γ = ±5 already close to the limits (eq. 11)
    assert not is_monotone(curve[::-1])


@pytest.mark.parametrize("gamma", [-3.0, -1.0, 0.0, 0.5, 1.0, 2.5])
@pytest.mark.parametrize("scale", [1e-3, 0.5, 1e3])
def test_a_rescaled_task_changes_its_share_by_lambda_to_the_gamma(gamma, scale):
    s = frame(losses="0.3, 2, 7, 40", gamma=gamma, scaled_task=2, task_scale=scale).scalars
    assert s["contribution_factor"] == pytest.approx(scale ** gamma, rel=1e-10)
    assert (abs(s["contribution_factor"] - 1.0) < 1e-9) == (gamma == 0.0)


def test_bad_losses_and_a_task_beyond_them_are_refused_by_name():
    with pytest.raises(ParameterError) as err:
        frame(losses="1")
    assert err.value.name == "losses" and "2 to 10" in str(err.value)
    with pytest.raises(ParameterError) as err:
        frame(losses="1, -2")
    assert err.value.name == "losses"
    with pytest.raises(ParameterError) as err:
        frame(losses="1, 2", scaled_task=3)
    assert err.value.name == "scaled_task" and "[1, 2]" in str(err.value)
