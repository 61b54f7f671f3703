"""The `django-expert` command: `check`, `rules`, `explain`, `lsp`, `mcp`, `engage`.

A thin front end: the engine finds, `server.formats` renders, and this module only parses
arguments, decides what to compute and where output goes. Exit status: 0 no findings,
1 findings, 2 a usage or configuration error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import errno
import io
import logging
import os
import posixpath
import sys
import tempfile
import time
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django_expert.server.collector import indexing, thaw, tune_for_analysis

PROG = "django-expert"
_MAX_FIX_ROUNDS = 10
_CONFIG_FILES = ("pyproject.toml", ".django-expert.toml")
# Errors of the machine, not of django-expert: the user's to fix (exit 2, one line).
_USER_OS_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


class UsageError(Exception):
    """An expected error: printed as one line on stderr, exit status 2."""


def version() -> str:
    try:
        from importlib.metadata import version as distribution_version

        return distribution_version("django-expert")
    except Exception:  # running from a source tree that is not installed
        from django_expert.analyzers.version import ANALYZER_VERSION

        return ANALYZER_VERSION


# -- arguments --------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """One-line errors; `configure` adds a sub-command's arguments when it is parsed or its
    help shown, so `check` never imports what only `engage` needs (0.15 s of a warm start)."""

    def __init__(self, *args, configure: Callable[[argparse.ArgumentParser], None] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._configure = configure

    def _configured(self) -> None:
        configure, self._configure = self._configure, None
        if configure is not None:
            configure(self)

    def parse_known_args(self, args=None, namespace=None):
        self._configured()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._configured()
        return super().format_usage()

    def format_help(self) -> str:
        self._configured()
        return super().format_help()

    def error(self, message: str):  # one line, not usage + message
        self.exit(2, f"{self.prog}: error: {message}\n")


class _VersionAction(argparse.Action):
    """`--version`, reading the installed version only when asked (importlib.metadata is not free)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{PROG} {version()}")
        parser.exit(0)


def _codes(value: str) -> list[str]:
    from django_expert.analyzers.config import selector

    try:
        return [selector(code.strip().upper()) for code in value.split(",") if code.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log more, and show tracebacks of internal errors")
    parser = _Parser(prog=PROG, description="A Django expert: findings, fixes and a language server.",
                     parents=[common])
    parser.set_defaults(verbose=False)
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser("check", parents=[common], help="report findings for one or more paths")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a project folder (or files in one)")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--select", type=_codes, default=None, metavar="CODES",
                       help="comma-separated codes, prefixes or tiers (recommended, pedantic) to report "
                            "(replaces the configured selection)")
    check.add_argument("--extend-select", type=_codes, default=None, metavar="CODES",
                       help="comma-separated codes, prefixes or tiers to report beside the selection")
    check.add_argument("--ignore", type=_codes, default=None, metavar="CODES",
                       help="comma-separated codes or prefixes not to report (added to the configured ignores)")
    check.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix, also apply fixes that change behaviour (review them)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="report (and fail on) only the findings that FILE does not hold")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="write every current finding to FILE as the baseline, and exit 0")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
    check.add_argument("--settings", metavar="MODULE", help="the settings module (overrides discovery)")
    check.set_defaults(handler=run_check)

    rules = commands.add_parser("rules", parents=[common], help="list every rule")
    rules.add_argument("--docs", metavar="DIR", type=Path,
                       help="write one Markdown page per rule and an index.md into DIR")
    rules.set_defaults(handler=run_rules)

    explain = commands.add_parser("explain", parents=[common], help="print a rule's documentation")
    explain.add_argument("code", metavar="CODE")
    explain.set_defaults(handler=run_explain)

    lsp = commands.add_parser("lsp", parents=[common], help="run the language server (stdio by default)")
    lsp.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    # Many clients (vscode-languageclient's TransportKind.stdio among them) pass --stdio.
    lsp.add_argument("--stdio", action="store_true", help="use stdio (the default; accepted for clients that pass it)")
    lsp.set_defaults(handler=run_lsp)

    mcp = commands.add_parser("mcp", parents=[common], help="run the Model Context Protocol server (stdio), for agents")
    mcp.add_argument("--root", action="append", type=Path, default=[], metavar="FOLDER",
                     help="a workspace folder (repeatable; default: the client's roots, else the current folder)")
    mcp.set_defaults(handler=run_mcp)

    engage = commands.add_parser("engage", parents=[common], help="run the six-step expert engagement: report + memory",
                                 configure=_engage_arguments)
    engage.set_defaults(handler=run_engage)
    return parser


def _engage_arguments(parser: argparse.ArgumentParser) -> None:
    from django_expert.server.engagement.cli import add_arguments

    add_arguments(parser)


# -- entry point ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # `check A --format json B`: argparse leaves the PATHs after an option over
        if args.command != "check" or any(item.startswith("-") for item in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.paths += extra
    handler = _setup_logging(args.verbose)
    tune_for_analysis()
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `django-expert check . | head`
        _silence_stdout()
        return 1
    except OSError as error:
        if error.errno not in _USER_OS_ERRORS:
            return _internal_error(error, args.verbose)
        where = f"{error.filename}: " if error.filename else ""  # permissions, a full or read-only disk
        print(f"{PROG}: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except Exception as error:
        return _internal_error(error, args.verbose)
    finally:
        handler.summarize()
        if argv is None:  # the process's own command line: it exits next
            _leave_objects_to_exit()


def _leave_objects_to_exit() -> None:
    """Spare the collector a last pass over everything the run built: at exit, CPython
    collects every cycle still alive (the engine, its models and their indexes) and frees
    it object by object, 20-25% of a big `check` (1.0 s of 4.4 on 4,000 model files), while
    the process's end frees its memory at once. Frozen objects are never collected; callers
    that run `main()` in a longer-lived process pass `argv` and keep the usual collection."""
    import gc

    gc.freeze()


def _internal_error(error: Exception, verbose: bool) -> int:
    if verbose:
        import traceback

        traceback.print_exc()
    message = " ".join(str(error).split()) or type(error).__name__
    hint = "" if verbose else " (run with --verbose for the traceback)"
    print(f"{PROG}: internal error: {type(error).__name__}: {message}{hint}", file=sys.stderr)
    return 2


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _OneLineHandler(logging.Handler):
    """Log records as `django-expert: warning: ...` lines; tracebacks only when verbose.

    A broken rule on a big project would print one line per file: after a few, the rest
    are counted and summarized once.
    """

    LIMIT = 10

    def __init__(self, verbose: bool) -> None:
        super().__init__(logging.INFO if verbose else logging.WARNING)
        self.verbose = verbose
        self.printed = 0
        self.hidden = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not self.verbose and self.printed >= self.LIMIT:
            self.hidden += 1
            return
        self.printed += 1
        try:
            text = f"{PROG}: {record.levelname.lower()}: {record.getMessage()}"
            if self.verbose and record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            print(text, file=sys.stderr)
        except Exception:
            self.handleError(record)

    def summarize(self) -> None:
        if self.hidden:
            print(f"{PROG}: warning: {self.hidden} more warnings not shown (run with --verbose)", file=sys.stderr)
            self.hidden = 0


def _setup_logging(verbose: bool) -> _OneLineHandler:
    logger = logging.getLogger("django_expert")
    for old in [h for h in logger.handlers if isinstance(h, _OneLineHandler)]:
        logger.removeHandler(old)
    handler = _OneLineHandler(verbose)
    logger.addHandler(handler)
    logger.setLevel(handler.level)
    logger.propagate = False
    return handler


# -- check ----------------------------------------------------------------------------------------


@dataclass
class Targets:
    """The PATHs given to `check`: what the engine indexes, and how files are named in output.

    `filename` is relative to the PATH that contains the file (the JSON contract); `display`
    prefixes it with that PATH as the user typed it, so text output can be opened from here.
    """

    roots: list[Path]  # what the engine indexes (a file's project folder for a file PATH)
    bases: dict[Path, str] = field(default_factory=dict)  # resolved folder -> PATH as typed
    files: dict[Path, str] = field(default_factory=dict)  # resolved file PATH -> as typed

    @classmethod
    def of(cls, paths: Iterable[str]) -> Targets:
        targets = cls(roots=[])
        for given in paths:
            path = Path(given)
            if not path.exists():
                raise UsageError(f"{given}: no such file or directory")
            resolved = path.resolve()
            require_readable(resolved, given)
            if resolved.is_dir():
                targets.bases.setdefault(resolved, given)
                root = _project_folder(resolved) or resolved
            elif resolved.suffix == ".py":
                targets.files.setdefault(resolved, given)
                root = _project_folder(resolved.parent) or resolved.parent
            else:
                raise UsageError(f"{given}: not a folder or a Python file")
            if root not in targets.roots:
                targets.roots.append(root)
        # A folder inside another given folder is indexed through the outer one.
        targets.roots = [r for r in targets.roots if not any(r != o and r.is_relative_to(o) for o in targets.roots)]
        return targets

    def _base(self, path: Path | str) -> Path | None:
        """The deepest given folder holding `path` (compared as strings: called per file;
        a str must be normalised, as str(Path) is)."""
        text, best, longest = str(path), None, -1
        for base in self.bases:
            folder = str(base)
            inside = text == folder or text.startswith(folder if folder.endswith(os.sep) else folder + os.sep)
            if inside and len(folder) > longest:
                best, longest = base, len(folder)
        return best

    def covers(self, path: str) -> bool:
        if self.files and Path(path) in self.files:
            return True
        return self._base(_normalised(path)) is not None

    def filename(self, path: str) -> str:
        resolved = Path(path)
        if resolved in self.files:
            return resolved.name if self._base(resolved) is None else self._relative(resolved)
        return self._relative(resolved)

    def _relative(self, path: Path) -> str:
        base = self._base(path)
        if base is None:
            base = next((root for root in self.roots if path.is_relative_to(root)), None)
        return path.relative_to(base).as_posix() if base is not None else path.as_posix()

    def display(self, path: str) -> str:
        resolved = Path(path)
        if resolved in self.files:
            return Path(self.files[resolved]).as_posix()
        base = self._base(resolved)
        if base is None:
            return self._relative(resolved)
        given = Path(self.bases[base]).as_posix()
        return posixpath.normpath(posixpath.join(given, resolved.relative_to(base).as_posix()))

    def source_root(self) -> Path:
        """The one folder SARIF URIs are relative to: the common parent of the PATHs."""
        folders = list(self.bases) + [path.parent for path in self.files]
        return Path(os.path.commonpath(folders)) if len(folders) > 1 else folders[0]


def require_readable(path: Path, given: str) -> None:
    """UsageError unless `path` (a folder or a file) can be read: an unreadable root must not
    look like a project without findings."""
    try:
        if path.is_dir():
            with os.scandir(path) as entries:
                next(entries, None)
        else:
            with open(path, "rb"):
                pass
    except OSError as error:
        raise UsageError(f"{given}: cannot read {'folder' if path.is_dir() else 'file'}: "
                         f"{error.strerror or error}") from None


def _project_folder(folder: Path) -> Path | None:
    """The Django project (the folder with manage.py) that `folder` is in, else, for a
    folder that is a Python package, its outermost package, if any.

    A PATH inside a project or a package is checked with the whole project's or package's
    knowledge (its models, settings, apps, module names); only the findings under PATH are
    reported. A package is not widened to its repository: `check src/oscar` analyses the
    oscar package, not the repository's tests and docs.
    """
    for candidate in (folder, *folder.parents):
        if (candidate / "manage.py").is_file() and not (candidate / "__init__.py").is_file():
            return candidate
    if not (folder / "__init__.py").is_file():
        return None
    from django_expert.analyzers.project.discovery import outermost_package

    return outermost_package(folder)


def run_check(args: argparse.Namespace) -> int:
    from django_expert.analyzers.engine import Engine

    started = time.perf_counter()
    targets = Targets.of(args.paths)
    overrides: dict = {}
    if args.select is not None:  # like ruff: an explicit selection replaces the configured one
        overrides["select"] = args.select
        overrides["ignore"] = args.ignore or []
    if args.extend_select is not None:
        overrides["extend-select"] = args.extend_select
    if args.settings:
        overrides["settings-module"] = args.settings
    for root in targets.roots:
        _check_config(root, overrides)
    args.known = _load_baseline(args.baseline) if args.baseline is not None else None

    engine = Engine(targets.roots, overrides, use_cache=not args.no_cache)
    try:
        with indexing():  # what indexing builds lives to the end: frozen, never re-scanned
            engine.index()
        return _check_indexed(engine, args, targets, overrides, started)
    finally:
        thaw()


def _check_indexed(engine, args: argparse.Namespace, targets: Targets, overrides: dict, started: float) -> int:
    from django_expert.analyzers.findings import Applicability
    from django_expert.server.engagement.decisions import present  # recorded decisions: accepted findings are hints

    _require_configured_settings(engine)
    _report_problems(engine, targets, overrides)

    extra_ignore = tuple(args.ignore) if args.ignore and args.select is None else ()

    def wanted(finding) -> bool:
        return targets.covers(finding.path) and not (extra_ignore and _matches(finding.code, extra_ignore))

    fixed = None
    if args.fix:
        kinds = {Applicability.SAFE, Applicability.UNSAFE} if args.unsafe_fixes else {Applicability.SAFE}
        # A finding a recorded decision accepts keeps its code as it is.
        fixed = apply_fixes(engine, kinds, lambda f: wanted(f) and present(engine, [f])[0].accepted is None)
    per_file = {path: [f for f in found if wanted(f)]
                for path, found in engine.all_findings().items() if targets.covers(str(path))}
    findings = [f for found in per_file.values() for f in found]
    findings = present(engine, findings, targets.roots[0] if len(targets.roots) == 1 else None)
    if args.write_baseline is not None:
        return _write_baseline(engine, findings, args.write_baseline)
    if args.known is not None:
        findings, known = args.known.split(engine, findings)
        print(f"{_count(len(known), 'baselined finding')} not shown", file=sys.stderr)
    fixes = None
    if args.format in ("json", "sarif"):
        fixes = [engine.fix(f) if (f.fix is not None or f.fixable is not Applicability.NONE) else None
                 for f in findings]
    seconds = time.perf_counter() - started

    if fixed is not None:
        print(f"Fixed {_count(fixed, 'finding')} ({len(findings)} remaining)", file=sys.stderr)
    coverage = _coverage(engine, targets)
    try:
        _write(_render(args.format, findings, fixes, targets, files=len(per_file), seconds=seconds,
                       coverage=coverage), args.format)
    finally:  # the output first: a reader of the findings need not wait for the cache
        engine.save_cache()
    return 1 if findings and not args.exit_zero else 0


def _load_baseline(path: Path):
    from django_expert.server.baseline import Baseline, BaselineError

    try:
        return Baseline.load(path)
    except BaselineError as error:
        raise UsageError(str(error)) from None


def _write_baseline(engine, findings, path: Path) -> int:
    from django_expert.server.baseline import write_baseline

    try:
        count = write_baseline(engine, findings, path)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the baseline: {error.strerror or error}") from None
    finally:
        engine.save_cache()
    print(f"Wrote {_count(count, 'finding')} to the baseline {path}", file=sys.stderr)
    return 0


def _require_configured_settings(engine) -> None:
    """A settings module named by the configuration or --settings that no project has is a
    usage error: analysing without it would report on settings the user did not mean."""
    from django_expert.analyzers.project.discovery import configured_settings_missing

    problem = configured_settings_missing([project.layout for project in engine.projects])
    if problem:
        raise UsageError(f"{problem} (set by --settings or settings-module in the configuration)")


def _coverage(engine, targets: Targets) -> dict[str, int]:
    """How many Python files under the PATHs were analysed, of how many seen (a file is not
    analysed when it cannot be decoded or parsed, or is over the size limit)."""
    seen = analysed = 0
    for path, state in engine.files.items():
        if state.library or path.suffix != ".py" or not targets.covers(str(path)):
            continue
        seen += 1
        analysed += state.raw_facts is not None and (state.problem is None or state.problem.code != "DJE000")
    return {"python_files": seen, "analysed": analysed}


def _render(fmt: str, findings, fixes, targets: Targets, *, files: int, seconds: float,
            coverage: dict[str, int] | None = None) -> str:
    from django_expert.server import formats

    if fmt == "json":
        return formats.render_json(findings, targets.filename, fixes=fixes, files=files, seconds=seconds,
                                   coverage=coverage)
    if fmt == "sarif":
        from django_expert.analyzers.rules.registry import all_rules

        root = targets.source_root()

        def uri(path: str) -> str:
            resolved = Path(path)
            return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else resolved.as_uri()

        return formats.render_sarif(findings, uri, rules=all_rules().values(), fixes=fixes, version=version(),
                                    source_root_uri=root.as_uri().rstrip("/") + "/")
    return formats.render_text(findings, targets.display)


def _write(text: str, fmt: str) -> None:
    if fmt == "text":
        sys.stdout.write(text.encode(sys.stdout.encoding or "utf-8", "backslashreplace")
                         .decode(sys.stdout.encoding or "utf-8"))
        sys.stdout.flush()
    else:  # machine formats are UTF-8 whatever the locale
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()


def _normalised(path: str) -> str:
    """`str(Path(path))`, without building the Path when `path` already is normalised (an
    absolute POSIX path without empty or "." parts, as the engine's paths are)."""
    if os.sep == "/" and path.startswith("/") and "//" not in path and "/./" not in path \
            and not path.endswith(("/", "/.")):
        return path
    return str(Path(path))


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    from django_expert.analyzers.config import matches

    return matches(code, tuple(prefixes))


def _check_config(folder: Path, overrides: dict) -> None:
    """Raise UsageError for an invalid configuration file in `folder` (one line, naming the key)."""
    from django_expert.analyzers.config import ConfigError, load_config

    try:
        load_config(folder).merged(overrides)
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _report_problems(engine, targets: Targets, overrides: dict) -> None:
    """Configuration errors of nested projects are fatal; discovery problems are warnings, once each."""
    for project in engine.projects:
        root = project.layout.root
        if root not in targets.roots and any((root / name).is_file() for name in _CONFIG_FILES):
            _check_config(root, overrides)
    for problem in dict.fromkeys(engine.problems):
        print(f"{PROG}: warning: {problem}", file=sys.stderr)


# -- fixing ---------------------------------------------------------------------------------------


def apply_fixes(engine, applicabilities: set, wanted: Callable = lambda finding: True,
                max_rounds: int = _MAX_FIX_ROUNDS) -> int:
    """Apply the fixes of the given applicabilities until none is left (or `max_rounds`).

    Each round computes the fixes of the current findings, applies those whose edits do not
    overlap an edit already taken, checks every rewritten Python file still parses, writes
    the files atomically and tells the engine. Returns how many findings were fixed.
    """
    fixed = 0
    rejected: set = set()  # fixes that failed, or were applied and did not make their finding go
    for _ in range(max_rounds):
        chosen = []
        for findings in engine.all_findings().values():
            for finding in findings:
                if finding.fixable not in applicabilities or not wanted(finding):
                    continue
                key = _fix_key(finding)
                if key in rejected:
                    continue
                fix = engine.fix(finding)
                if fix is None or fix.applicability not in applicabilities or not fix.edits \
                        or not all(_writable(engine, edit.path) for edit in fix.edits):
                    rejected.add(key)
                    continue
                chosen.append((key, fix))
        applied = _apply_round(chosen, rejected)
        for path in applied.files:
            engine.update(path)
        fixed += len(applied.keys)
        rejected.update(applied.keys)  # a finding that survives its own fix is never fixed twice
        if not applied.keys:
            break
    return fixed


@dataclass
class _Applied:
    keys: list[tuple] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _apply_round(chosen: list, rejected: set) -> _Applied:
    """Apply the chosen fixes that fit together: no overlapping edits, every Python file parses.

    Fixes are taken in order; one that overlaps or clashes with a fix taken before it waits
    for the next round (recomputed against the new text); one that breaks a file on its
    own is rejected for good.
    """
    from django_expert.analyzers.fixes import apply_edits

    sources: dict[Path, _Source | None] = {}
    planned: dict[Path, list] = {}
    taken = []
    for key, fix in chosen:
        edits = [(Path(edit.path), edit) for edit in fix.edits]
        if any(_overlaps(edit, planned.get(path, ())) for path, edit in edits):
            continue
        candidate = {path: list(planned.get(path, ())) for path, _ in edits}
        for path, edit in edits:
            candidate[path].append(edit)
        for path in candidate:
            if path not in sources:
                sources[path] = _read_source(path)
        if all(_fits(sources[path], path, candidate[path], apply_edits) for path in candidate):
            planned.update(candidate)
            taken.append(key)
        elif not all(_fits(sources[path], path, [e for p, e in edits if p == path], apply_edits) for path in candidate):
            logging.getLogger(__name__).warning("a fix for %s would break %s; it was not applied", key[0],
                                                ", ".join(sorted(path.name for path in candidate)))
            rejected.add(key)
    for path, edits in planned.items():
        source = sources[path]
        try:
            _write_atomically(path, apply_edits(source.text, edits).encode(source.encoding))
        except (OSError, UnicodeEncodeError) as error:
            raise UsageError(f"{path}: cannot write the fixed file: {getattr(error, 'strerror', error)}") from None
    return _Applied(taken, list(planned))


def _fits(source: _Source | None, path: Path, edits: list, apply_edits) -> bool:
    return source is not None and (path.suffix != ".py" or _parses(apply_edits(source.text, edits)))


def _fix_key(finding) -> tuple:
    """A finding's identity across rounds (not its span: a fix above it moves it)."""
    return (finding.code, finding.path, finding.message, repr(finding.fix_data))


def _writable(engine, path: str) -> bool:
    state = engine.state(Path(path))
    return state is not None and not state.library and any(Path(path).is_relative_to(r) for r in engine.roots)


def _overlaps(edit, others) -> bool:
    start, end = _at(edit.span.start), _at(edit.span.end)
    for other in others:
        other_start, other_end = _at(other.span.start), _at(other.span.end)
        if start == other_start or (start < other_end and other_start < end):
            return True
    return False


def _at(position) -> tuple[int, int]:
    return (position.line, position.column)


@dataclass
class _Source:
    text: str
    encoding: str


def _read_source(path: Path) -> _Source | None:
    from django_expert.analyzers import files

    try:
        data = files.read_bytes(path)
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return _Source(data.decode(encoding), encoding)
    except (OSError, SyntaxError, LookupError, UnicodeDecodeError):
        return None


def _parses(text: str) -> bool:
    from django_expert.analyzers.parsing import parse_module

    try:
        parse_module(text)
        return True
    except (SyntaxError, ValueError, RecursionError):
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o7777
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                     delete=False) as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
        temporary = Path(stream.name)
    try:
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


# -- rules, explain, lsp --------------------------------------------------------------------------


def run_rules(args: argparse.Namespace) -> int:
    from django_expert.analyzers.rules.registry import all_rules
    from django_expert.server import formats

    rules = list(all_rules().values())
    if args.docs is None:
        _write(formats.render_rules_table(rules), "text")
        return 0
    try:
        args.docs.mkdir(parents=True, exist_ok=True)
        for rule in rules:
            (args.docs / f"{rule.code}.md").write_text(formats.render_rule_page(rule), encoding="utf-8")
        (args.docs / "index.md").write_text(formats.render_rules_index(rules), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{args.docs}: cannot write the rule pages: {error.strerror}") from None
    print(f"Wrote {_count(len(rules), 'rule page')} and index.md to {args.docs}")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from django_expert.analyzers.rules.registry import all_rules
    from django_expert.server import formats

    code = args.code.strip().upper()
    rule = all_rules().get(code)
    if rule is None:
        raise UsageError(f"unknown rule code {args.code!r} (`{PROG} rules` lists them)")
    _write(formats.render_explain(rule), "text")
    return 0


def run_engage(args: argparse.Namespace) -> int:
    from django_expert.server.engagement.cli import run

    return run(args, UsageError)


def run_mcp(args: argparse.Namespace) -> int:
    for root in args.root:
        if not root.is_dir():
            raise UsageError(f"--root {root}: not a folder")
        require_readable(root.resolve(), str(root))
    try:
        from django_expert.server.mcp import serve
    except ImportError as error:
        raise UsageError(f"the MCP server cannot start: {error}") from None
    serve(root.resolve() for root in args.root)
    return 0


def run_lsp(args: argparse.Namespace) -> int:
    if args.tcp is not None:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError(f"--tcp {args.tcp!r}: expected HOST:PORT, like 127.0.0.1:2087")
    try:
        from django_expert.server.lsp import serve
    except ImportError as error:
        raise UsageError(f"the language server cannot start: {error}") from None
    serve(args.tcp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
