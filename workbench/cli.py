"""The fixed command line (DESIGN.md §5): ``list``, ``params``, ``run``, ``replay``; else the GUI.

Exit status: 0 success; 2 bad arguments or parameter values (nothing written); 3 the run diverged
(what was computed is written).  Parameter values go through the engine's schema — the same
validation as the GUI form.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from engines.core.params import ParameterError
from engines.registry import TOPIC_IDS, built_topics, load_engine
from workbench.headless import EXIT_BAD_ARGS, EXIT_OK, StderrProgress, run_topic
from workbench.session import SessionError, read_session

SUBCOMMANDS = ("list", "params", "run", "replay")


class CliError(Exception):
    """Bad arguments: printed to stderr, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Scientific Spaces Workbench")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="one line per built topic: ID<TAB>title")
    p = sub.add_parser("params", help="a topic's parameters")
    p.add_argument("topic")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    r = sub.add_parser("run", help="run a topic headless and write its results")
    r.add_argument("topic")
    r.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--seed", help="same as --set seed=S")
    r.add_argument("--device", help="same as --set device=D (auto, cpu or cuda)")
    r.add_argument("--out", required=True, help="output folder")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    rp = sub.add_parser("replay", help="rerun a saved session headless")
    rp.add_argument("session")
    rp.add_argument("--out", required=True)
    rp.add_argument("--quiet", action="store_true")
    return parser


def _engine(topic: str):
    if topic not in built_topics():
        known = ", ".join(built_topics())
        state = "is not built yet" if topic in TOPIC_IDS else "is not a topic"
        raise CliError(f"topic {topic!r} {state}; built topics: {known}")
    return load_engine(topic)


def cmd_list() -> int:
    for topic in built_topics():
        print(f"{topic}\t{load_engine(topic).TITLE}")
    return EXIT_OK


def cmd_params(topic: str, as_json: bool) -> int:
    schema = _engine(topic).PARAMS
    if as_json:
        print(json.dumps([p.describe() for p in schema], indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(p.name) for p in schema)
    for p in schema:
        nature = "live" if p.live else "restart"
        print(f"{p.name:<{width}}  default {p.default!s:<10} {p.range_text():<40} {nature:<7}  {p.help}")
    return EXIT_OK


def parse_run_params(topic: str, assignments: Sequence[str], seed: str | None, device: str | None) -> dict[str, Any]:
    schema = _engine(topic).PARAMS
    values: dict[str, Any] = {}
    extra = [f"seed={seed}"] if seed is not None else []
    extra += [f"device={device}"] if device is not None else []
    for flag, given in (("seed", seed), ("device", device)):
        if given is not None and flag not in schema:
            raise CliError(f"--{flag}: topic {topic!r} has no {flag} parameter "
                           f"({'its results are deterministic' if flag == 'seed' else 'it does not use torch'})")
    for text in [*assignments, *extra]:
        name, value = schema.parse_assignment(text)
        values[name] = value
    return schema.validate(values)


def _check_out(out: str) -> None:
    """Refuse an output folder that cannot be one before anything runs (exit 2, nothing written)."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise CliError(f"--out {out}: exists and is not a folder")
    parent = next((p for p in [path, *path.parents] if p.exists()), Path("."))
    if not os.access(parent, os.W_OK):
        raise CliError(f"--out {out}: {parent} is not writable")


def _execute(topic: str, params: dict[str, Any], out: str, quiet: bool) -> int:
    _check_out(out)
    bar = None if quiet else StderrProgress(topic)
    try:
        outcome = run_topic(topic, params, out, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if outcome.record.message:
        print(outcome.record.message, file=sys.stderr)
    if outcome.record.diverged:
        print(f"run diverged: {outcome.record.diverged}", file=sys.stderr)
    for path in outcome.files:
        print(path)
    return outcome.exit_code


def cmd_run(args: argparse.Namespace) -> int:
    params = parse_run_params(args.topic, args.assignments, args.seed, args.device)
    return _execute(args.topic, params, args.out, args.quiet)


def cmd_replay(args: argparse.Namespace) -> int:
    try:
        session = read_session(args.session)
    except SessionError as exc:
        raise CliError(str(exc)) from None
    status = EXIT_OK
    several = len(session.topics) > 1
    for topic, state in session.topics.items():
        out = f"{args.out}/{topic}" if several else args.out
        status = max(status, _execute(topic, state.params, out, args.quiet))
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help"):
        from workbench.app import launch  # the GUI only when asked for

        return launch(argv)
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return cmd_list()
        if args.command == "params":
            return cmd_params(args.topic, args.json)
        if args.command == "run":
            return cmd_run(args)
        return cmd_replay(args)
    except (CliError, ParameterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGS
    except OSError as exc:
        print(f"error: cannot write the results: {exc}", file=sys.stderr)
        return EXIT_BAD_ARGS
