"""django-expert on real projects as they are: what it sees, what it follows, what it reports.

    python tests/benchmarks/realworld.py [--cli PATH] [--projects wagtail,defectdojo,...]
                                         [--src DIR] [--json FILE] [--raw DIR] [--timeout S]
    python tests/benchmarks/realworld.py --prepare MIRRORS   # extract the GitHub checkouts first

Issue 10's yardstick: `check --format json` and `engage --goal security` (on a copy of the
tree, since engage writes `claudedocs/` and `.django-expert/` into the project) over a pinned
list of real code bases that no test here was written for, and one table row per project:

- Python files seen (counted here, the same walk as the engine) / analysed (the JSON
  summary's analysed count when it reports one; else the number of distinct files with
  findings, marked `>=`, since files without findings cannot be told apart);
- the settings module chosen, and whether its values were fully followed (when the report's
  JSON twin says so; `-` when it does not);
- apps found (project apps / all INSTALLED_APPS entries, from the twin's scope);
- URL routes in the twin's API map against the `path(` / `re_path(` / `url(` calls in the
  source (bare-name calls, counted with `ast`; DRF `router.register(` calls added as `+Nr`);
- findings, the top rules, and the wall time of `check` and of `engage` (each cold: an
  empty facts cache), run under `nice` one project after the other.

The PyPI projects reuse bench_corpora's pinned download and cache (~/.cache/django-expert-bench,
or $BENCH_CACHE) but analyse the WHOLE sdist tree, not only the package folder: sandbox and
test settings are part of how a reusable app is laid out. GitHub projects are not downloaded
here (no network besides package registries): their checkouts are read from --src
(default $REALWORLD_SRC, else <bench cache>/github), one folder per project, with a `.commit`
file naming the commit. From a bare clone or mirror of each repository:

    git --git-dir=/path/to/DefectDojo/django-DefectDojo.git archive <commit> \
        | tar -x -C ~/.cache/django-expert-bench/github/defectdojo
    echo <commit> > ~/.cache/django-expert-bench/github/defectdojo/.commit

or let the script do that for every GitHub project and exit: `--prepare MIRRORS`, where
MIRRORS holds `<owner>+<name>/repo` bare git directories (the layout of /work/.mirror) or
`<owner>/<name>.git`. Only the folder a project is analysed from is extracted (baserow's
`backend/`, plane's `apps/api/`), blob by blob: a snapshot clone that leaves its largest
files out (git archive then fails) still gives the tree, with the absent files listed in
`.missing`. A checkout at another commit than the pinned one is used anyway, with a
warning, and its own commit is what the table and the JSON record.

`--json FILE` saves the raw figures (rewritten after each project, so an interrupted run keeps
what it measured); `--raw DIR` keeps each project's check JSON, report and JSON twin. Wall
times on a shared machine move by 2x from run to run: compare them within one run, or
repeat. A project that crashes `check` or `engage` gets its row with the error, and the
script exits 1.

Not part of the test suite (pytest never collects this folder).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_corpora  # noqa: E402


@dataclass(frozen=True)
class Project:
    name: str
    kind: str  # "pypi" | "github"
    pin: str  # the pinned requirement (pypi) or commit (github)
    repo: str = ""  # owner/name on GitHub
    subdir: str = ""  # the folder analysed inside the checkout ("" = all of it)
    package: str = ""  # pypi: the package folder bench_corpora looks for (it checks the sdist is the right one)


PROJECTS = [
    Project("wagtail", "pypi", bench_corpora.CORPORA["wagtail"][0], package="wagtail"),
    Project("django-oscar", "pypi", bench_corpora.CORPORA["django-oscar"][0], package="oscar"),
    Project("django-cms", "pypi", "django-cms==5.1.3", package="cms"),
    Project("baserow", "github", "01c464ff0257f37bd7685c1563a8b8a0ab522897", "bram2w/baserow", "backend"),
    Project("defectdojo", "github", "7cfa159a6767b0ac6e66f3b1597a997e607e7308", "DefectDojo/django-DefectDojo"),
    Project("plane", "github", "4ca6d6c7b807ad09bb571af2c43e85bf47c3ec6b", "makeplane/plane", "apps/api"),
    Project("netbox", "github", "43fe81f9e833228c9869f7ddadb67e6c5f145060", "netbox-community/netbox"),
    Project("healthchecks", "github", "29b5ec251059034b79e0120e2ff0c3e35d7bd9f8", "healthchecks/healthchecks"),
]
BY_NAME = {p.name: p for p in PROJECTS}
# Left out of the copy engage works on: never analysed, and large.
COPY_IGNORE = shutil.ignore_patterns(".git", "node_modules", ".django-expert", "claudedocs", "__pycache__")
URL_CALLS = ("path", "re_path", "url")


def log(message: str) -> None:
    bench_corpora.log(message)


# -- getting the trees ----------------------------------------------------------------------------


def prepare(mirrors: Path, src: Path, names: list[str]) -> None:
    """Extract each GitHub project's pinned commit (its analysed folder only) from local bare clones."""
    for name in names:
        project = BY_NAME[name]
        if project.kind != "github":
            continue
        owner, repo = project.repo.split("/")
        candidates = [mirrors / f"{owner}+{repo}" / "repo", mirrors / f"{owner}+{repo}",
                      mirrors / owner / f"{repo}.git", mirrors / owner / repo / ".git", mirrors / f"{repo}.git"]
        git_dir = next((c for c in candidates if (c / "HEAD").is_file()), None)
        if git_dir is None:
            log(f"{name}: no bare clone of {project.repo} under {mirrors}; skipped")
            continue
        commit = project.pin
        if subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True).returncode != 0:
            commit = _git(git_dir, "rev-parse", "HEAD")
            log(f"{name}: pinned commit {project.pin[:12]} not in {git_dir}; taking its HEAD {commit[:12]}")
        dest = src / name
        if (dest / ".commit").is_file() and (dest / ".commit").read_text().strip() == commit:
            log(f"{name}: {dest} already at {commit[:12]}")
            continue
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        log(f"{name}: extracting {commit[:12]} {project.subdir or '(whole tree)'} into {dest} ...")
        missing = extract(git_dir, commit, project.subdir, dest)
        if missing:  # a partial mirror (large blobs left out): list them, the analysis does not need them
            (dest / ".missing").write_text("".join(f"{path}\n" for path in missing))
            log(f"{name}: {len(missing)} blob(s) absent from the clone, listed in {dest / '.missing'}: "
                + ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else ""))
        (dest / ".commit").write_text(commit + "\n")


def extract(git_dir: Path, commit: str, subdir: str, dest: Path) -> list[str]:
    """`git archive commit subdir | tar -x -C dest`, blob by blob so that a blob absent from the clone
    (snapshots may leave the largest files out) is skipped and returned instead of failing the whole tree."""
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "--full-tree", commit,
                              *([subdir] if subdir else [])], capture_output=True, check=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob":  # submodules (commit entries) are left out, as git archive does
            entries.append((mode.decode(), sha.decode(), os.fsdecode(path)))
    missing = []
    with subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as batch:
        for mode, sha, path in entries:
            batch.stdin.write(sha.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if len(header) < 3 or header[1] != b"blob":
                missing.append(path)
                continue
            data = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)  # the newline after each object
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                target.symlink_to(os.fsdecode(data))
            else:
                target.write_bytes(data)
                if mode == "100755":
                    target.chmod(0o755)
        batch.stdin.close()
    return missing


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def tree_of(project: Project, src: Path) -> tuple[Path, str]:
    """The folder analysed and the version it is at (release or commit)."""
    if project.kind == "pypi":
        bench_corpora.CORPORA.setdefault(project.name, (project.pin, project.package))
        bench_corpora.fetch(project.name)  # downloads and extracts once, checks the package is there
        extracted = bench_corpora.cache_root() / "src" / project.pin.replace("==", "-")
        tops = [p for p in extracted.iterdir() if p.is_dir() and not p.name.startswith(".")]
        # An sdist holds one top folder (name-version/); a wheel, the package and its .dist-info.
        root = tops[0] if len(tops) == 1 else extracted
        return root, f"{project.pin.split('==')[1]} ({bench_corpora.archive_kind(project.name)})"
    checkout = src / project.name
    if not checkout.is_dir():
        raise FileNotFoundError(f"no checkout at {checkout} (see --prepare)")
    marker = checkout / ".commit"
    commit = marker.read_text().strip() if marker.is_file() else "unknown"
    if commit != project.pin:
        log(f"{project.name}: WARNING: checkout at {commit[:12]}, pinned {project.pin[:12]}")
    root = checkout / project.subdir if project.subdir else checkout
    return root, commit[:12]


# -- counting the source ----------------------------------------------------------------------------


def count_source(root: Path) -> dict:
    """Python files, files this interpreter cannot parse, and URL-building calls in the source."""
    files = bench_corpora.python_files(root)
    calls: Counter[str] = Counter()
    registers = unparsable = 0
    for path in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError):
            unparsable += 1
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in URL_CALLS:
                calls[func.id] += 1
            elif isinstance(func, ast.Attribute) and func.attr == "register" and isinstance(func.value, ast.Name) \
                    and "router" in func.value.id.lower():
                registers += 1
    return {"python_files": len(files), "unparsable_here": unparsable, "url_calls": dict(calls),
            "url_calls_total": sum(calls.values()), "router_registers": registers,
            "megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 1)}


# -- running the CLI ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    seconds: float
    returncode: int | None  # None: timed out
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode in (0, 1)

    def failure(self) -> str:
        if self.returncode is None:
            return "timeout"
        last = next((line for line in reversed(self.stderr.strip().splitlines()) if line.strip()), "")
        return f"rc={self.returncode}: {last[:160]}"


def run(command: list[str], cache: Path, timeout: float, nice: int) -> Outcome:
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(cache)}
    prefix = ["nice", "-n", str(nice)] if nice and shutil.which("nice") else []
    started = time.perf_counter()
    try:
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, env=env, timeout=timeout,
                                errors="replace")
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout.decode("utf-8", "replace") if isinstance(expired.stdout, bytes) else expired.stdout
        err = expired.stderr.decode("utf-8", "replace") if isinstance(expired.stderr, bytes) else expired.stderr
        return Outcome(time.perf_counter() - started, None, out or "", err or "")
    return Outcome(time.perf_counter() - started, result.returncode, result.stdout, result.stderr)


def _find_keys(value, wanted: tuple[str, ...], path: str = "", depth: int = 0) -> dict:
    """Every key (with its dotted path) whose name contains one of `wanted`, a few levels deep."""
    found = {}
    if depth > 4:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else key
            if any(w in key.lower() for w in wanted):
                found[here] = item
            found.update(_find_keys(item, wanted, here, depth + 1))
    return found


def read_check(document: dict) -> dict:
    summary = document.get("summary", {})
    findings = document.get("findings", [])
    per_rule = Counter(f["code"] for f in findings)
    analysed = next((v for k, v in summary.items() if "analy" in k.lower()), None)
    python_files = next((v for k, v in summary.items() if "python" in k.lower()), None)
    return {"summary": summary, "findings": len(findings), "per_rule": dict(per_rule.most_common()),
            "severities": dict(Counter(f.get("severity") for f in findings)),
            "files_with_findings": len({f["filename"] for f in findings}),
            "analysed_reported": analysed, "python_files_reported": python_files}


def read_twin(twin: dict) -> dict:
    scope = twin.get("scope", {}) or {}
    architecture = twin.get("architecture", {}) or {}
    settings = architecture.get("settings", {}) or {}
    module = scope.get("settings_module") or settings.get("settings_module")
    modules = settings.get("modules") or []
    chosen = next((m for m in modules if m.get("module") == module), {}) if module else {}
    apps = scope.get("apps") or architecture.get("apps") or []
    project_apps = [a for a in apps if a.get("kind") not in ("library", "django", "contrib", "third-party")]
    api_map = architecture.get("api_map")
    # Whatever the twin says about how completely the settings were followed (the shape is new in issue 10).
    uncertain = _find_keys({"scope": scope, "settings": settings, "twin": {k: v for k, v in twin.items()
                                                                         if k not in ("scope", "architecture")}},
                           ("followed", "unknown", "uncertain", "could_not", "not_seen", "unseen", "complete"))
    middleware = architecture.get("middleware") or {}
    not_seen = settings.get("not_seen")  # the report's "What django-expert could not see", when it has one
    return {
        "not_seen_count": len(not_seen) if isinstance(not_seen, list) else None,
        "not_seen_settings_module": (len([e for e in not_seen if isinstance(e, dict) and e.get("module") == module])
                                     if isinstance(not_seen, list) and module else None),
        "not_seen": not_seen[:40] if isinstance(not_seen, list) else None,
        "settings_module": module, "settings_provenance": scope.get("settings_provenance"),
        "settings_modules": len(modules), "production_settings": scope.get("production_settings"),
        "settings_problems": chosen.get("problems") or [], "scope_problems": scope.get("problems") or [],
        "assumptions": scope.get("assumptions") or [], "middleware_known": middleware.get("known"),
        "uncertainty_keys": {k: v for k, v in uncertain.items() if not isinstance(v, (dict, list)) or len(v) < 50},
        "apps": len(apps), "project_apps": len(project_apps), "models": (architecture.get("models") or {}).get("count"),
        "routes": len(api_map) if isinstance(api_map, list) else None,
        "project_type": (scope.get("type") or {}).get("type") if isinstance(scope.get("type"), dict) else None,
        "twin_findings": len(twin.get("findings") or []),
    }


def followed(twin: dict | None) -> str:
    """yes / no / '-' from what the twin explicitly says about the settings module's values."""
    if not twin or not twin.get("settings_module"):
        return "-"  # no settings module: nothing to follow (a library without sandbox settings)
    if twin.get("not_seen_settings_module") is not None:
        missing = twin["not_seen_settings_module"]
        return f"no ({missing})" if missing else "yes"
    keys = twin["uncertainty_keys"]
    for key, value in keys.items():
        if "followed" in key.lower() and isinstance(value, bool):
            return "yes" if value else "no"
    for key, value in keys.items():
        leaf = key.rsplit(".", 1)[-1].lower()
        if any(w in leaf for w in ("unknown", "uncertain", "could_not", "not_seen", "unseen")) \
                and isinstance(value, (list, dict)) and "settings" in key.lower():
            return f"no ({len(value)})" if value else "yes"
    return "-"


def measure(project: Project, src: Path, cli: list[str], timeout: float, nice: int, raw: Path | None) -> dict:
    row: dict = {"project": project.name, "kind": project.kind, "pin": project.pin, "subdir": project.subdir}
    try:
        root, version = tree_of(project, src)
    except (FileNotFoundError, SystemExit) as problem:
        log(f"{project.name}: skipped: {problem}")
        return {**row, "error": f"skipped: {problem}"}
    row.update(version=version, root=str(root), **count_source(root))
    log(f"{project.name} {version}: {row['python_files']} Python files, {row['megabytes']} MB under {root}")
    with tempfile.TemporaryDirectory(prefix=f"dje-realworld-{project.name}-") as scratch:
        scratch = Path(scratch)
        log(f"{project.name}: check --format json ...")
        check = run([*cli, "check", str(root), "--format", "json", "--exit-zero"], scratch / "cache-check",
                    timeout, nice)
        row["check_seconds"] = round(check.seconds, 1)
        if check.ok:
            try:
                document = json.loads(check.stdout)
                row["check"] = read_check(document)
                if raw:
                    (raw / f"{project.name}.check.json").write_text(check.stdout)
            except (json.JSONDecodeError, KeyError, TypeError) as problem:
                row["check_error"] = f"unreadable JSON: {problem}"
        else:
            row["check_error"] = check.failure()
            row["check_stderr_tail"] = check.stderr[-3000:]
            log(f"{project.name}: check FAILED {check.failure()}")

        copy = scratch / "tree" / (root.name or project.name)
        log(f"{project.name}: copying the tree for engage ...")
        shutil.copytree(root, copy, ignore=COPY_IGNORE, symlinks=True)
        log(f"{project.name}: engage --goal security ...")
        engage = run([*cli, "engage", str(copy), "--goal", "security"], scratch / "cache-engage", timeout, nice)
        row["engage_seconds"] = round(engage.seconds, 1)
        if not engage.ok or engage.returncode != 0:
            row["engage_error"] = engage.failure()
            row["engage_stderr_tail"] = engage.stderr[-3000:]
            log(f"{project.name}: engage FAILED {engage.failure()}")
        row["engage_stdout_tail"] = engage.stdout[-1000:]
        # engage prints the report's path; the project it picked may be a sub-folder of the tree.
        printed = [Path(line.strip()) for line in engage.stdout.splitlines() if line.strip().endswith(".md")]
        twins = [p.with_suffix(".json") for p in printed if p.with_suffix(".json").is_file()]
        twins = twins or sorted(copy.rglob("claudedocs/*.json"))
        if twins:
            try:
                where = twins[-1].parent.parent.relative_to(copy).as_posix()
                row["engage_project_folder"] = "." if where in ("", ".") else where
            except ValueError:
                row["engage_project_folder"] = str(twins[-1].parent.parent)
            try:
                twin = json.loads(twins[-1].read_text())
                row["twin"] = read_twin(twin)
                if raw:
                    shutil.copyfile(twins[-1], raw / f"{project.name}.twin.json")
                    report = twins[-1].with_suffix(".md")
                    if report.is_file():
                        shutil.copyfile(report, raw / f"{project.name}.report.md")
            except (json.JSONDecodeError, AttributeError, TypeError) as problem:
                row["twin_error"] = f"unreadable twin: {problem}"
        elif "engage_error" not in row:
            row["twin_error"] = "no claudedocs/*.json written"
    return row


# -- the table ---------------------------------------------------------------------------------------


COLUMNS = (("project", 13, "<"), ("version", 14, "<"), ("py files", 9, ">"), ("analysed", 10, ">"),
           ("settings module", 34, "<"), ("followed", 9, "<"), ("apps", 8, ">"), ("routes/calls", 17, ">"),
           ("findings", 9, ">"), ("check s", 8, ">"), ("engage s", 9, ">"), ("top rules", 0, "<"))


def _line(cells: dict[str, str]) -> str:
    return "  ".join(f"{cells.get(name, ''):{align}{width}}" for name, width, align in COLUMNS).rstrip()


def _cells(row: dict) -> dict[str, str]:
    cells = {"project": row["project"], "version": row.get("version", row["pin"][:12])}
    if "error" in row:
        return {**cells, "top rules": row["error"]}
    check, twin = row.get("check"), row.get("twin")
    cells["py files"] = str(row["python_files"])
    if check and check["analysed_reported"] is not None:
        cells["analysed"] = str(check["analysed_reported"])
    elif check:
        cells["analysed"] = f">={check['files_with_findings']}"
    else:
        cells["analysed"] = "-"
    module = (twin or {}).get("settings_module") or "-"
    cells["settings module"] = module if len(module) <= 34 else "…" + module[-33:]
    cells["followed"] = followed(twin)
    cells["apps"] = f"{twin['project_apps']}/{twin['apps']}" if twin else "-"
    routes = "-" if not twin or twin["routes"] is None else str(twin["routes"])
    cells["routes/calls"] = f"{routes}/{row['url_calls_total']}" + (
        f" +{row['router_registers']}r" if row["router_registers"] else "")
    cells["findings"] = str(check["findings"]) if check else "-"
    cells["check s"] = f"{row['check_seconds']:.1f}" if "check_seconds" in row else "-"
    cells["engage s"] = f"{row['engage_seconds']:.1f}" if "engage_seconds" in row else "-"
    problems = [f"check {row['check_error']}"] if "check_error" in row else []
    problems += [f"engage {row['engage_error']}"] if "engage_error" in row else []
    problems += [row["twin_error"]] if "twin_error" in row else []
    top = " ".join(f"{code}:{n}" for code, n in list(check["per_rule"].items())[:6]) if check else ""
    cells["top rules"] = "; ".join([top] * bool(top) + problems)
    return cells


def table(rows: list[dict], header: dict) -> list[str]:
    lines = [f"django-expert on real projects — {header['when']} — {header['cli_version']} "
             f"({header['cli_source']}) — Python {header['python']} — nice {header['nice']}", ""]
    titles = {name: name for name, _, _ in COLUMNS}
    lines += [_line(titles), _line({name: "-" * max(width, len(name)) for name, width, _ in COLUMNS})]
    lines += [_line(_cells(row)) for row in rows]
    lines += ["",
              "py files: .py files under the analysed folder (the engine's walk); analysed: the JSON summary's "
              "count, or '>=N' files with findings when it reports none.",
              "followed: whether the settings module's values were fully followed, as the report's JSON twin "
              "says ('-': the twin does not say); apps: project apps / all.",
              "routes/calls: routes in the twin's API map / bare path()+re_path()+url() calls in the source "
              "(+Nr: router.register calls). Times: wall seconds, cold cache."]
    for row in rows:
        notes = []
        check = row.get("check")
        if check and check["analysed_reported"] is None and "files" in check["summary"]:
            notes.append(f"check summary: files={check['summary']['files']} (no analysed count)")
        if row.get("unparsable_here"):
            notes.append(f"{row['unparsable_here']} file(s) not parseable by Python {platform.python_version()}")
        twin = row.get("twin")
        if row.get("engage_project_folder") not in (None, "."):
            notes.append(f"engage reported on the sub-folder {row['engage_project_folder']}/")
        if twin and twin["settings_problems"]:
            notes.append(f"settings problems: {len(twin['settings_problems'])}")
        if check and check["python_files_reported"] not in (None, row["python_files"]):
            notes.append(f"the summary counts {check['python_files_reported']} Python files")
        if twin and twin.get("not_seen_count"):
            first = next((e.get("what") for e in twin["not_seen"] if isinstance(e, dict)
                          and e.get("module") == twin["settings_module"]), None)
            notes.append(f"'could not see': {twin['not_seen_count']} line(s), {twin['not_seen_settings_module'] or 0} "
                         "on the settings module" + (f", e.g. {str(first)[:90]}" if first else ""))
        if twin and twin["scope_problems"]:
            notes.append("scope problems: " + "; ".join(str(p)[:100] for p in twin["scope_problems"][:3]))
        if notes:
            lines.append(f"  {row['project']}: " + " | ".join(notes))
    return lines


def _cli_source(cli: list[str]) -> str:
    """The git commit the CLI is installed from (an editable install's checkout), '+dirty' when modified."""
    script = Path(cli[0]).resolve() if cli else None
    for candidate in (script.parents if script else []):
        if (candidate / "pyproject.toml").is_file() and (candidate / ".git").exists():
            head = subprocess.run(["git", "-C", str(candidate), "rev-parse", "--short", "HEAD"],
                                  capture_output=True, text=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", str(candidate), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True).stdout.strip()
            return f"{candidate} @ {head}{'+dirty' if dirty else ''}"
    return str(script)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", help="the django-expert executable to run (default: the one beside this Python)")
    parser.add_argument("--projects", default=",".join(p.name for p in PROJECTS),
                        help="comma-separated: " + ", ".join(BY_NAME))
    parser.add_argument("--src", type=Path,
                        default=Path(os.environ.get("REALWORLD_SRC") or bench_corpora.cache_root() / "github"),
                        help="where the GitHub checkouts are, one folder per project")
    parser.add_argument("--prepare", type=Path, metavar="MIRRORS",
                        help="extract the GitHub projects' pinned commits from the bare clones in MIRRORS into --src, and exit")
    parser.add_argument("--json", type=Path, help="save the raw figures here")
    parser.add_argument("--raw", type=Path, help="keep each project's check JSON, report and JSON twin here")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per check or engage run")
    parser.add_argument("--nice", type=int, default=10)
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.projects.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown project(s): {', '.join(unknown)}")
    if args.prepare:
        prepare(args.prepare, args.src, names)
        return 0
    cli = [args.cli] if args.cli else bench_corpora.django_expert_command()
    version = subprocess.run([*cli, "--version"], capture_output=True, text=True).stdout.strip() or "?"
    if args.raw:
        args.raw.mkdir(parents=True, exist_ok=True)
    header = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cli": cli, "cli_version": version,
              "cli_source": _cli_source(cli), "python": platform.python_version(), "nice": args.nice,
              "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    rows = []
    for name in names:  # one after the other: the machine is shared
        rows.append(measure(BY_NAME[name], args.src, cli, args.timeout, args.nice, args.raw))
        if args.json:  # saved as it goes: a long run interrupted keeps what it measured
            args.json.write_text(json.dumps({"header": header, "projects": rows}, indent=2) + "\n")
    print("\n".join(table(rows, header)))
    failed = [r["project"] for r in rows if any(k in r for k in ("error", "check_error", "engage_error"))]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
