"""Run every benchmark in one process and print their ratios: ``python -m bench [--smoke]``."""
import argparse
import importlib
import os
import sys

BENCHMARKS = ("bench.bench_startup", "bench.bench_rope_solver", "bench.bench_gui_solves", "bench.bench_rope_dynamics",
              "bench.bench_rope_dynamics_gui", "bench.bench_vae_ib", "bench.bench_batchnorm",
              "bench.bench_batchnorm_gui", "bench.bench_regularization_race", "bench.bench_pg_zoo",
              "bench.bench_multitask", "bench.bench_wok", "bench.bench_wok_gui", "bench.bench_sweep")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Scientific Spaces Workbench benchmarks")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check that they still run")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    status = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        module = importlib.import_module(name)
        status |= module.main(["--smoke"] if args.smoke else []) or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
