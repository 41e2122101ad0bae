"""The sweep's grid: values × seeds in a stable order, every value checked by its own parameter and
every point by the schema's relations before anything runs; errors name the parameter and its range."""
import pytest

from engines.core.params import ParameterError
from engines.registry import experiments
from workbench.sweeps.grid import plan_grid


def experiment(topic, experiment_id):
    return next(e for e in experiments(topic) if e.id == experiment_id)


ESTIMATOR = experiment("pg_zoo", "estimator")


def test_points_are_the_grid_times_the_seeds_counted_up_from_the_seed():
    grid = plan_grid("pg_zoo", ESTIMATOR, ["eps=0.1,0.01", "perturbation=gaussian,rademacher"],
                     {"seed": 5, "dim": 10}, seeds=2)
    points = grid.points()
    assert len(points) == 8 and [p.index for p in points] == list(range(8))
    assert [(p.values, p.seed) for p in points[:3]] == [((0.1, "gaussian"), 5), ((0.1, "gaussian"), 6),
                                                         ((0.1, "rademacher"), 5)]
    params = grid.params_of(points[3])
    assert params["eps"] == 0.1 and params["perturbation"] == "rademacher" and params["seed"] == 6
    assert params["dim"] == 10 and params["estimates"] == ESTIMATOR.params["estimates"].default
    described = grid.describe()
    assert described["grid"] == {"eps": [0.1, 0.01], "perturbation": ["gaussian", "rademacher"]}
    assert described["seeds"] == [5, 6] and described["fixed"]["dim"] == 10 and "seed" not in described["fixed"]


@pytest.mark.parametrize("grids, fixed, seeds, name, words", [
    (["nope=1,2"], {}, 1, "nope", "allowed: objective"),
    (["eps=0.1,7"], {}, 1, "eps", "eps = 7 is out of range; allowed: a number in [0.0001, 1]"),
    (["eps"], {}, 1, "--grid", "NAME=V1,V2"),
    (["eps=0.1"], {"eps": 0.2}, 1, "eps", "set twice"),
    (["eps=0.1", "eps=0.2"], {}, 1, "eps", "set twice"),
    (["seed=1,2"], {}, 1, "seed", "--seeds N"),
    ([], {}, 1, "--grid", "at least one"),
    (["eps=0.1"], {}, 0, "--seeds", "≥ 1"),
    (["samples=1,4"], {"baseline": "mean"}, 1, "samples", "--grid point samples = 1"),
])
def test_a_bad_grid_names_the_parameter_and_what_is_allowed(grids, fixed, seeds, name, words):
    with pytest.raises(ParameterError) as caught:
        plan_grid("pg_zoo", ESTIMATOR, grids, fixed, seeds)
    assert caught.value.name == name and words in str(caught.value)


def test_seeds_need_a_seed_parameter_and_a_multi_choice_takes_semicolons():
    wok = experiment("wok", "comparator")
    with pytest.raises(ParameterError, match="no seed parameter"):
        plan_grid("wok", wok, ["power=1000,2000"], {}, seeds=2)
    assert plan_grid("wok", wok, ["power=1000,2000"], {}, seeds=1).seeds == [None]
    classifier = experiment("pg_zoo", "classifier")
    grid = plan_grid("pg_zoo", classifier, ["methods=ce,zoo;exact_pg"], {}, seeds=1)
    assert grid.axes[0].values == ("ce,zoo", "exact_pg")
