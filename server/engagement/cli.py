"""`django-expert engage PATH [--goal G] [--project NAME]`: the six steps headless.

Prints the report's path and exits 0; a configuration error or a path or project name that
would leave the workspace prints one line on stderr and exits 2 (raised as the CLI's
UsageError, which `server/cli.py` turns into that line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from django_expert.server.engagement.scope import GOALS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="the project folder (the workspace the report is written in)")
    parser.add_argument("--goal", type=str.lower, choices=GOALS, default=None,
                        help="what the engagement is for (default: refactor, a whole-project review)")
    parser.add_argument("--project", metavar="NAME", default=None,
                        help="the project's name in the report and memory paths (slugified)")
    parser.add_argument("--settings", metavar="MODULE", help="the settings module (overrides discovery)")
    parser.add_argument("--continue", dest="resume", action="store_true",
                        help="continue an engagement an editor session left unfinished instead of starting anew")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")


def run(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    from django_expert.analyzers.config import ConfigError, load_config
    from django_expert.analyzers.engine import Engine
    from django_expert.memory import LockTimeout, MemoryWriteRefused, UnsafePath
    from django_expert.server.engagement.engagement import Engagement, EngagementError

    given = Path(args.path)
    if not given.exists():
        raise usage_error(f"{args.path}: no such file or directory")
    if not given.is_dir():
        raise usage_error(f"{args.path}: not a folder")
    root = given.resolve()
    from django_expert.server.cli import require_readable

    require_readable(root, args.path)
    overrides = {"settings-module": args.settings} if args.settings else {}
    try:
        load_config(root).merged(overrides)
    except ConfigError as error:
        raise usage_error(str(error)) from None
    engine = Engine([root], overrides, use_cache=not args.no_cache)
    engine.index()
    try:
        engagement = Engagement(root, engine, goal=args.goal, project=args.project, resume=args.resume)
        engagement.scope()
        project_root = Path(engagement.project_state.layout.root)
        if project_root != root:
            try:
                load_config(project_root)
            except ConfigError as error:
                raise usage_error(str(error)) from None
        report = engagement.complete()
    except EngagementError as error:
        raise usage_error(str(error)) from None
    except (LockTimeout, MemoryWriteRefused, UnsafePath) as error:
        raise usage_error(str(error)) from None
    engine.save_cache()
    print(given / report.relative_to(root), file=sys.stdout)
    return 0
