"""The fixed command line (DESIGN.md §5): ``list``, ``params``, ``run``, ``replay``, ``sweep``
(``workbench.cli_sweep``); else the GUI.

Every experiment is addressed as ``TOPIC:EXPERIMENT`` (``run batchnorm:descent``); a topic's id
alone names its main experiment, and ``main.py list TOPIC`` lists them.

Exit status: 0 success; 2 bad arguments, parameter values or ``--out`` (nothing written, checked
before the run starts); 3 the run diverged (what was computed is written); 4 the results could not
be written (``--out`` keeps its previous contents); 130 / 143 / 129 stopped by SIGINT / SIGTERM /
SIGHUP (what was computed is written, session.json says ``"status": "interrupted"``).  Parameter values go through the engine's schema — the same
validation as the GUI form.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

from engines.core.experiment import Experiment, find, route
from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.registry import TOPIC_IDS, built_topics, experiments, load_engine, split_ref
from workbench.core.headless import EXIT_BAD_ARGS, EXIT_OK, EXIT_WRITE_FAILED, StderrProgress, run_experiment
from workbench.core.interrupts import Interrupts
from workbench.core.output_folder import OutputFolder, OutputFolderError
from workbench.core.session import SessionError, read_session
from workbench.cli_sweep import add_parser as add_sweep_parser
from workbench.cli_sweep import cmd_sweep

SUBCOMMANDS = ("list", "params", "run", "replay", "sweep")


class CliError(Exception):
    """Bad arguments: printed to stderr, exit status 2."""


def gui_parser() -> argparse.ArgumentParser:
    """The window's options (``main.py`` without a command); ``main.py --help`` lists them too."""
    parser = argparse.ArgumentParser(prog="main.py", description="Open the Scientific Spaces Workbench")
    parser.add_argument("--topic", choices=TOPIC_IDS, help="raise this topic's panel")
    parser.add_argument("--theme", choices=("light", "dark"), help="the window's theme (default: the last one used)")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="open, let the panels solve, save a picture of the window and quit")
    return parser


def _parser() -> argparse.ArgumentParser:
    options = [a for a in gui_parser()._actions if a.option_strings and a.option_strings[0] != "-h"]
    usage = " ".join(f"[{a.option_strings[0]} {'|'.join(a.choices) if a.choices else a.metavar}]" for a in options)
    parser = argparse.ArgumentParser(
        prog="main.py", description="Scientific Spaces Workbench", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"without a command, opens the window:\n  main.py {usage}\n"
               + "\n".join(f"  {a.option_strings[0]:<14} {a.help}" for a in options))
    sub = parser.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="one line per built topic: ID<TAB>title; with a topic, one line "
                                     "per experiment: TOPIC:EXPERIMENT<TAB>title, the main one first")
    ls.add_argument("topic", nargs="?")
    p = sub.add_parser("params", help="an experiment's parameters (TOPIC or TOPIC:EXPERIMENT)")
    p.add_argument("topic", metavar="TOPIC[:EXPERIMENT]")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    r = sub.add_parser("run", help="run an experiment headless and write its results")
    r.add_argument("topic", metavar="TOPIC[:EXPERIMENT]")
    r.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--seed", help="same as --set seed=S")
    r.add_argument("--device", help="same as --set device=D (auto, cpu or cuda)")
    r.add_argument("--out", required=True, help="output folder")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    rp = sub.add_parser("replay", help="rerun a saved session headless")
    rp.add_argument("session")
    rp.add_argument("--out", required=True)
    rp.add_argument("--quiet", action="store_true")
    add_sweep_parser(sub)
    return parser


def _engine(topic: str):
    if topic not in built_topics():
        known = ", ".join(built_topics())
        state = "is not built yet" if topic in TOPIC_IDS else "is not a topic"
        raise CliError(f"topic {topic!r} {state}; built topics: {known}")
    return load_engine(topic)


def _experiment(ref: str) -> tuple[str, Experiment]:
    """The topic and experiment ``TOPIC[:EXPERIMENT]`` names (CliError / ParameterError if none)."""
    topic, experiment_id = split_ref(ref)
    _engine(topic)
    declared = experiments(topic)
    return topic, declared[0] if experiment_id is None else find(declared, experiment_id, topic)


def cmd_list(topic: str | None = None) -> int:
    if topic is not None:
        _engine(topic)
        for experiment in experiments(topic):
            print(f"{topic}:{experiment.id}\t{experiment.title}")
        return EXIT_OK
    for topic in built_topics():
        print(f"{topic}\t{load_engine(topic).TITLE}")
    return EXIT_OK


def cmd_params(ref: str, as_json: bool) -> int:
    topic, experiment = _experiment(ref)
    schema = experiment.params
    if as_json:
        described = [{**p.describe(), "allowed": schema.range_text(p.name), "relations": schema.relations_of(p.name)}
                     for p in schema]
        print(json.dumps(described, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{topic}:{experiment.id} — {experiment.title}" + (f": {experiment.summary}" if experiment.summary else ""))
    width = max(len(p.name) for p in schema)
    for p in schema:
        nature = "live" if p.live else "restart"
        print(f"{p.name:<{width}}  default {p.default!s:<10} {schema.range_text(p.name):<40} {nature:<7}  {p.help}")
    if schema.relations:
        print("the ranges above hold beside the other parameters' defaults; these relations always hold:")
    for relation in schema.relations:
        print(f"requires: {relation.describe()}")
    if experiment.memory is not None:
        estimate = experiment.memory(schema.defaults())
        print(f"memory: about {estimate.bytes / 2**30:.2f} GiB at the defaults; grows with {', '.join(estimate.drivers)} "
              "(settings above the memory available are refused)")
    others = [f"{topic}:{e.id}" for e in experiments(topic) if e is not experiment]
    if others:
        print(f"other experiments: {', '.join(others)} (main.py params {others[0]})")
    return EXIT_OK


def _raw_assignments(assignments: Sequence[str]) -> dict[str, str]:
    return {name.strip(): value.strip() for name, _, value in (a.partition("=") for a in assignments)}


def parse_run_params(ref: str, assignments: Sequence[str], seed: str | None,
                     device: str | None) -> tuple[str, Experiment, dict[str, Any]]:
    """The topic, the experiment and its validated values.  Without an explicit experiment, the
    values may select another one as older command lines did (``run rope --set scenario=dynamics``
    runs ``rope:dynamics``; the selecting assignment is dropped)."""
    topic, experiment = _experiment(ref)
    if split_ref(ref)[1] is None:
        routed, _ = route(experiments(topic), _raw_assignments(assignments))
        if routed is not experiment:
            experiment = routed
            name = routed.selected_by[0]
            assignments = [a for a in assignments if a.partition("=")[0].strip() != name]
    schema = experiment.params
    values: dict[str, Any] = {}
    extra = [f"seed={seed}"] if seed is not None else []
    extra += [f"device={device}"] if device is not None else []
    for flag, given in (("seed", seed), ("device", device)):
        if given is not None and flag not in schema:
            raise CliError(f"--{flag}: {topic}:{experiment.id} has no {flag} parameter "
                           f"({'its results are deterministic' if flag == 'seed' else 'it does not use torch'})")
    for text in [*assignments, *extra]:
        name, value = schema.parse_assignment(text)
        if name in values:
            how = f"--{name} and --set {name}=" if name in ("seed", "device") and text in extra else f"--set {name}="
            raise CliError(f"{how} given twice: give {name} once")
        values[name] = value
    return topic, experiment, schema.validate(values)


Job = tuple[str, Experiment, dict[str, Any], str]  # topic, experiment, values, subfolder of --out


def _check_devices(jobs: list[Job]) -> None:
    """A device that is not here (cuda without a GPU) is refused before any job runs."""
    for topic, experiment, params, _ in jobs:
        if "device" in params:
            from engines.core.torch_runtime import resolve_device

            try:
                resolve_device(params["device"])
            except ParameterError as exc:
                raise ParameterError(exc.name, f"{topic}:{experiment.id}: {exc}") from None


def _check_jobs(jobs: list[Job]) -> None:
    """Every job's relations between parameters (a session holds what its form held) and memory
    estimate are checked before any job runs: a multi-topic replay never stops half-way."""
    for topic, experiment, params, _ in jobs:
        try:
            experiment.params.check_relations(params, given=set(params))
            experiment.check_memory(params)
        except ParameterError as exc:
            raise ParameterError(exc.name, f"{topic}:{experiment.id}: {exc}") from None


def _execute(jobs: list[Job], out: str, quiet: bool) -> int:
    """Run the jobs into one staging folder and put it in place of ``--out`` when all are written
    (or a signal stopped them: what was computed is written, marked interrupted)."""
    _check_devices(jobs)
    _check_jobs(jobs)
    try:
        folder = OutputFolder(out)
    except OutputFolderError as exc:
        raise CliError(str(exc)) from None
    status, files, interrupted, skipped = EXIT_OK, [], False, []
    with Interrupts() as interrupts:
        try:
            for topic, experiment, params, sub in jobs:
                if interrupts.signum is not None:
                    skipped.append(f"{topic}:{experiment.id}")
                    continue
                ctx = interrupts.watch(RunContext.for_params(params))
                bar = None if quiet else StderrProgress(f"{topic}:{experiment.id}")
                try:
                    outcome = run_experiment(topic, experiment, params, folder.staging / sub, bar, ctx,
                                             interrupts.name)
                finally:
                    if bar is not None:
                        bar.close()
                if outcome.record.message:
                    print(outcome.record.message, file=sys.stderr)
                if outcome.record.diverged:
                    print(f"run diverged: {outcome.record.diverged}", file=sys.stderr)
                status = max(status, outcome.exit_code)
                interrupted = interrupted or outcome.status == "interrupted"
                files += [folder.final_path(path) for path in outcome.files]
            folder.commit()
        except OSError as exc:
            folder.discard()
            print(f"error: cannot write the results ({exc}); {out} keeps its previous contents", file=sys.stderr)
            return EXIT_WRITE_FAILED
        except BaseException:
            folder.discard()
            raise
    for path in files:
        print(path)
    if skipped:
        print(f"interrupted by {interrupts.name()} before these ran (not in {out}): {', '.join(skipped)}",
              file=sys.stderr)
    if interrupted:
        print(f"interrupted by {interrupts.name()}: what was computed is in {out} (session.json: "
              "\"status\": \"interrupted\")", file=sys.stderr)
    if interrupted or skipped:
        return interrupts.exit_code
    return status  # a signal after the last step: the run is complete, and its files say so


def cmd_run(args: argparse.Namespace) -> int:
    topic, experiment, params = parse_run_params(args.topic, args.assignments, args.seed, args.device)
    return _execute([(topic, experiment, params, "")], args.out, args.quiet)


def cmd_replay(args: argparse.Namespace) -> int:
    """Every topic of the session (validated whole first) reruns its shown experiment; several
    topics go to a subfolder each."""
    try:
        session = read_session(args.session)
    except SessionError as exc:
        raise CliError(str(exc)) from None
    several = len(session.topics) > 1
    jobs = [(topic, find(experiments(topic), state.active, topic), state.params, topic if several else "")
            for topic, state in session.topics.items()]
    return _execute(jobs, args.out, args.quiet)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help"):
        from workbench.shell.app import launch  # the GUI only when asked for

        return launch(argv)
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return cmd_list(args.topic)
        if args.command == "params":
            return cmd_params(args.topic, args.json)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "sweep":
            return cmd_sweep(args, _experiment)
        return cmd_replay(args)
    except (CliError, ParameterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGS
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGS
