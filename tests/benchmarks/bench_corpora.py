"""Real projects from PyPI, and the timings of the CLI on them beside a bare `ast.parse` loop.

Each corpus is a pinned release, downloaded once with pip (the sdist; the wheel when the
sdist cannot be prepared) into the benchmark cache and extracted there. What is measured
is the project's package folder (`django/`, `oscar/`, ...), the same files ANCHORS.md
counts; tests and docs shipped in an sdist are left out.
"""

from __future__ import annotations

import ast
import json
import os
import statistics
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

# name -> (pinned requirement, the package folder measured)
CORPORA = {
    "django": ("Django==5.2.19", "django"),
    "django-oscar": ("django-oscar==4.2.1", "oscar"),
    "wagtail": ("wagtail==8.0.1", "wagtail"),
    "pretix": ("pretix==2026.8.0", "pretix"),
}
# The same folders the engine never walks (analyzers/engine.py SKIP_DIRS), so both sides read the same files.
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv", "env",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "build", "dist", ".django-expert",
             "claudedocs"}


def cache_root() -> Path:
    return Path(os.environ.get("BENCH_CACHE") or Path.home() / ".cache" / "django-expert-bench")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- getting the corpora ------------------------------------------------------------------------


def _pip_download(requirement: str, into: Path, binary: bool) -> Path | None:
    into.mkdir(parents=True, exist_ok=True)
    mode = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *mode, "-d", str(into), requirement]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    archives = [p for p in into.iterdir() if p.suffix in (".whl", ".gz", ".zip")]
    if result.returncode != 0 or not archives:
        return None
    return archives[0]


def fetch(name: str) -> Path:
    """The extracted package folder of a corpus, downloading and extracting it the first time."""
    requirement, package = CORPORA[name]
    release = requirement.replace("==", "-")
    extracted = cache_root() / "src" / release
    marker = extracted / ".complete"
    if not marker.exists():
        downloads = cache_root() / "downloads" / release
        archive = next((p for p in downloads.glob("*") if p.suffix in (".whl", ".gz", ".zip")), None) \
            if downloads.exists() else None
        if archive is None:
            log(f"downloading {requirement} (sdist) ...")
            archive = _pip_download(requirement, downloads / "sdist", binary=False)
        if archive is None:
            log(f"  no usable sdist for {requirement}; taking the wheel")
            archive = _pip_download(requirement, downloads / "wheel", binary=True)
        if archive is None:
            raise SystemExit(f"cannot download {requirement}")
        shutil.rmtree(extracted, ignore_errors=True)
        extracted.mkdir(parents=True)
        if archive.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(archive) as tar:
                tar.extractall(extracted, filter="data")
        else:
            with zipfile.ZipFile(archive) as wheel:
                wheel.extractall(extracted)
        (extracted / ".archive").write_text(archive.name)
        marker.write_text("")
    return _package_folder(extracted, package)


def archive_kind(name: str) -> str:
    release = CORPORA[name][0].replace("==", "-")
    archive = (cache_root() / "src" / release / ".archive").read_text()
    return "wheel" if archive.endswith(".whl") else "sdist"


def _package_folder(extracted: Path, package: str) -> Path:
    """The shallowest folder named `package` that is a Python package."""
    candidates = [p.parent for p in extracted.rglob(f"{package}/__init__.py")]
    if not candidates:
        raise SystemExit(f"no {package}/ package in {extracted}")
    return min(candidates, key=lambda p: len(p.parts))


def combined(folders: dict[str, Path]) -> Path:
    """All corpora side by side in one folder (hard links: no copy of the data)."""
    key = "+".join(sorted(folders))
    root = cache_root() / "combined" / key
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        for name, folder in folders.items():
            try:
                shutil.copytree(folder, root / name, copy_function=os.link)
            except OSError:
                shutil.copytree(folder, root / name)
        (root / ".complete").write_text("")
    return root


# -- measuring ------------------------------------------------------------------------------------


def python_files(root: Path) -> list[Path]:
    files = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        files += [Path(directory, name) for name in sorted(filenames) if name.endswith(".py")]
    return files


def parse_floor(files: list[Path], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `repeat` loops reading and `ast.parse`-ing every file
    (the floor of any ast-based tool)."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path in files:
                try:
                    ast.parse(path.read_bytes(), filename=str(path))
                except (SyntaxError, ValueError):
                    pass
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    return statistics.median(walls), statistics.median(cpus)


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system: what the run costs whatever else the machine is doing
    peak_rss_mb: float
    returncode: int
    stdout: str


def timed(command: list[str], env: dict | None = None, cwd: Path | None = None) -> Run:
    """Wall time and peak RSS of one child process (os.wait4 gives that child's own rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        if process.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n"
                             f"{err.read().decode('utf-8', 'replace')[-2000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, stdout)


def django_expert_command() -> list[str]:
    script = Path(sys.executable).with_name("django-expert")
    return [str(script)] if script.exists() else [sys.executable, "-m", "django_expert.server.cli"]


def ruff_command() -> list[str] | None:
    script = Path(sys.executable).with_name("ruff")
    if script.exists():
        return [str(script)]
    found = shutil.which("ruff")
    return [found] if found else None


@dataclass
class Row:
    name: str
    source: str
    files: int
    megabytes: float
    floor: float
    floor_cpu: float
    json_cold: float  # `--format json`: the findings plus every fix computed (libcst)
    json_warm: float
    text_cold: float  # `--format text`: the findings only (fixes are never computed)
    text_warm: float
    text_cold_cpu: float  # CPU seconds (user + system) beside each wall time: the fair figure on a busy machine
    json_cold_cpu: float
    json_warm_cpu: float
    text_warm_cpu: float
    peak_rss: float
    ruff: float | None
    findings: int
    fixable: int

    def ratio(self, seconds: float, floor: float | None = None) -> float:
        floor = self.floor if floor is None else floor
        return seconds / floor if floor else float("nan")


def _cold_and_warm(name: str, fmt: str, root: Path, repeat: int) -> tuple[Run, Run, float, float]:
    """The median cold run (each with an empty cache) and median warm run (the cache its cold
    run wrote), attempts interleaved (cold, warm, cold, warm ...) so a busy spell of the machine
    weighs on both; then the median CPU seconds of each kind."""
    check = [*django_expert_command(), "check", str(root), "--format", fmt, "--exit-zero"]
    colds, warms = [], []
    with tempfile.TemporaryDirectory(prefix="dje-bench-cache-") as scratch:
        for attempt in range(repeat):
            env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(Path(scratch) / f"cold-{attempt}")}
            log(f"{name}: check --format {fmt}, cold ({attempt + 1}/{repeat}) ...")
            colds.append(timed(check, env))
            log(f"{name}: check --format {fmt}, warm ({attempt + 1}/{repeat}) ...")
            warms.append(timed(check, env))
    if any(run.stdout != colds[0].stdout for run in warms) and fmt == "text":
        log(f"{name}: WARNING: a warm run reported other findings than the cold run")
    return (_median_run(colds), _median_run(warms),
            statistics.median(r.cpu_seconds for r in colds), statistics.median(r.cpu_seconds for r in warms))


def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda r: r.seconds)[(len(runs) - 1) // 2]


def measure(name: str, source: str, root: Path, repeat: int) -> Row:
    files = python_files(root)
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    log(f"{name}: {len(files)} files, {megabytes:.1f} MB: ast.parse floor ...")
    floor, floor_cpu = parse_floor(files, repeat)
    json_cold, json_warm, json_cold_cpu, json_warm_cpu = _cold_and_warm(name, "json", root, repeat)
    text_cold, text_warm, text_cold_cpu, text_warm_cpu = _cold_and_warm(name, "text", root, repeat)
    document = json.loads(json_cold.stdout)
    if json.loads(json_warm.stdout)["findings"] != document["findings"]:
        log(f"{name}: WARNING: the warm run reported other findings than the cold run")
    ruff = ruff_command()
    ruff_seconds = None
    if ruff is not None:
        log(f"{name}: ruff ...")
        command = [*ruff, "check", "--isolated", "--select", "DJ,S", "--no-cache", "--exit-zero", "--quiet",
                   "--output-format", "concise", str(root)]
        ruff_seconds = statistics.median(timed(command).seconds for _ in range(repeat))
    runs = (json_cold, json_warm, text_cold, text_warm)
    return Row(name, source, len(files), megabytes, floor, floor_cpu, json_cold.seconds, json_warm.seconds,
               text_cold.seconds, text_warm.seconds, text_cold_cpu, json_cold_cpu, json_warm_cpu, text_warm_cpu,
               max(run.peak_rss_mb for run in runs), ruff_seconds,
               document["summary"]["findings"], sum(1 for f in document["findings"] if f["fix"] is not None))
