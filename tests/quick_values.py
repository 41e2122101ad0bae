"""Small values for every experiment, so a test can run each one in seconds (headless, through
the CLI, or on its page).  ``test_every_experiment_has_quick_values`` fails when an experiment is
added without an entry here."""

QUICK: dict[str, dict] = {
    "rope:steady": {"points": 51},
    "rope:dynamics": {"beads": 5, "duration": 0.3},
    "vae_ib:train": {"epochs": 1},
    "vae_ib:algebra": {"samples": 1000, "pairs": 100, "d": 8},
    "batchnorm:train": {"steps": 12, "surface_resolution": 5, "width": 8, "depth": 2, "eval_every": 6,
                        "probe_every": 6},
    "batchnorm:descent": {},
    "batchnorm:neuron": {},
    "batchnorm:projection": {},
    "batchnorm:ics": {"steps": 10, "measure_every": 5, "depth": 2, "width": 8},
    "batchnorm:noisy": {"steps": 10, "record_every": 5},
    "regularization:race": {"steps": 20, "eval_every": 10, "train_size": 40, "width": 8},
    "regularization:explorer": {"fit_steps": 20, "points": 40},
    "regularization:conservation": {"steps": 200, "record_every": 50},
    "regularization:decay": {"steps": 100, "record_every": 10},
    "pg_zoo:estimator": {"dim": 10, "estimates": 200},
    "pg_zoo:bandit": {"samples": 1000},
    "pg_zoo:classifier": {"steps": 4, "eval_every": 2, "population": 4, "batch_size": 16},
    "pg_zoo:equivalence": {"grid": 2, "population": 20, "max_population": 100},
    "pg_zoo:blackbox": {"dim": 4, "evaluations": 400},
    "multitask:arena": {"steps": 6, "eval_every": 3, "train_size": 60, "width": 8, "batch_size": 16},
    "multitask:power_mean": {},
    "multitask:pareto": {"steps": 20},
    "multitask:auxiliary": {"steps": 6, "eval_every": 3, "width": 8, "batch_size": 16},
    "wok:comparator": {"duration": 5.0, "cells": 30},
    "wok:routine": {"manual": False, "cells": 20, "preheat_to": 120.0, "oil_seconds": 2.0, "off_seconds": 2.0},
    "wok:coated": {"points": 3, "duration": 60.0, "cells": 20},
    "wok:hotspots": {"duration": 10.0, "cells": 20},
}


def set_args(ref: str) -> list[str]:
    """``--set NAME=VALUE`` arguments of the quick values of ``ref``."""
    return [part for name, value in QUICK[ref].items() for part in ("--set", f"{name}={value}")]
