"""Language-server latency: a synthetic Django project and a minimal JSON-RPC client.

The client speaks LSP over the server's stdio (Content-Length framing, asyncio), answers
the server's own requests with empty results, and records the arrival time of every
`textDocument/publishDiagnostics`. Measured, one request or edit at a time:

- edit -> fresh diagnostics of the edited 300-line file (a line inside a function body);
- edit of a model others depend on (a field renamed back and forth) -> diagnostics of the
  dependants (serializers of other apps with `fields = "__all__"` on that model);
- hover and completion round trips.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

APPS = ("orders", "reviews", "shipping", "billing", "wishlist")
TARGET_LINES = 300


# -- the synthetic project ------------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


def make_project(root: Path) -> dict:
    """Several apps around `catalog/models.py`; returns the paths and lines the benchmark edits."""
    _write(root / "manage.py", """
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synth.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
        """)
    _write(root / "synth" / "__init__.py", "")
    installed = ", ".join(f'"{app}"' for app in ("catalog", *APPS))
    _write(root / "synth" / "settings.py", f"""
        import os

        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        DEBUG = False
        ALLOWED_HOSTS = ["example.com"]
        INSTALLED_APPS = [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "catalog",
            {installed},
        ]
        ROOT_URLCONF = "synth.urls"
        REST_FRAMEWORK = {{"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}}
        """)
    _write(root / "synth" / "urls.py", "urlpatterns = []\n")
    _write(root / "catalog" / "__init__.py", "")
    _write(root / "catalog" / "models.py", """
        from django.db import models


        class Category(models.Model):
            label = models.CharField(max_length=100)

            def __str__(self):
                return self.label


        class Product(models.Model):
            name = models.CharField(max_length=200)
            price = models.DecimalField(max_digits=10, decimal_places=2)
            category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="products")

            def __str__(self):
                return self.name
        """)
    for app in APPS:
        model = app.capitalize().rstrip("s") + "Entry"
        _write(root / app / "__init__.py", "")
        _write(root / app / "models.py", f"""
            from django.db import models


            class {model}(models.Model):
                product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE)
                quantity = models.PositiveIntegerField(default=1)

                def __str__(self):
                    return f"{{self.product_id}} x {{self.quantity}}"
            """)
        _write(root / app / "serializers.py", f"""
            from rest_framework import serializers

            from catalog.models import Product


            class {app.capitalize()}ProductSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Product
                    fields = "__all__"
            """)
    # A helper whose summary an edit changes (it starts or stops reading `product.category`),
    # and the report that calls it for every row: the caller must be re-checked, nothing else.
    _write(root / "catalog" / "helpers.py", """
        def describe(product):
            parts = [product.name]
            return " ".join(parts)
        """)
    _write(root / "orders" / "reports.py", """
        from catalog.helpers import describe
        from catalog.models import Product


        def lines():
            return [describe(product) for product in Product.objects.all()]
        """)
    target = root / "orders" / "views.py"
    lines = [
        "from django.shortcuts import get_object_or_404, render",
        "",
        "from catalog.models import Product",
        "",
    ]
    number = 0
    while len(lines) < TARGET_LINES - 12:
        lines += [
            "",
            f"def view_{number}(request, pk):",
            "    product = get_object_or_404(Product, pk=pk)",
            '    similar = Product.objects.filter(name__icontains="a")',
            "    total = 0",
            "    for line in range(10):",
            "        total += line",
            '    context = {"product": product, "similar": similar, "total": total}',
            '    return render(request, "orders/view.html", context)',
            "",
        ]
        number += 1
    while len(lines) < TARGET_LINES:
        lines.append("")
    target.write_text("\n".join(lines[:TARGET_LINES]) + "\n")
    edit_line = next(i for i, text in enumerate(lines) if text == "    total = 0" and i > TARGET_LINES // 2)
    lookup_line = next(i for i, text in enumerate(lines) if "name__icontains" in text)
    models = root / "catalog" / "models.py"
    field_line = next(i for i, text in enumerate(models.read_text().splitlines()) if text.startswith("    name ="))
    return {
        "target": target,
        "edit_line": edit_line,
        "hover": (2, lines[2].index("Product") + 2),  # on `Product` in the import
        "completion": (lookup_line, lines[lookup_line].index("name__") + len("name__")),
        "models": models,
        "field_line": field_line,
        "dependants": [root / app / "serializers.py" for app in APPS],
        "helper": root / "catalog" / "helpers.py",
        "caller": root / "orders" / "reports.py",
    }


# -- a minimal LSP client -------------------------------------------------------------------------


@dataclass
class Published:
    seq: int
    at: float
    uri: str
    version: int | None
    count: int


@dataclass
class Client:
    process: asyncio.subprocess.Process
    next_id: int = 0
    pending: dict = field(default_factory=dict)
    published: list[Published] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    progress_done: asyncio.Event = field(default_factory=asyncio.Event)

    async def _send(self, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.process.stdin.drain()

    async def request(self, method: str, params, timeout: float = 30.0):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout)

    async def notify(self, method: str, params) -> None:
        await self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def read_loop(self) -> None:
        reader = self.process.stdout
        while True:
            headers = {}
            while True:
                line = await reader.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            message = json.loads(await reader.readexactly(int(headers["content-length"])))
            await self._dispatch(message, time.perf_counter())

    async def _dispatch(self, message: dict, at: float) -> None:
        if "id" in message and "method" not in message:  # a response
            future = self.pending.pop(message["id"], None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(RuntimeError(message["error"].get("message", "error")))
                else:
                    future.set_result(message.get("result"))
            return
        method = message.get("method")
        if "id" in message:  # a request from the server: answer with an empty result
            result = None
            if method == "workspace/configuration":
                result = [None] * len(message.get("params", {}).get("items", []))
            await self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            return
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            async with self.changed:
                self.published.append(Published(len(self.published), at, params["uri"], params.get("version"),
                                                 len(params["diagnostics"])))
                self.changed.notify_all()
        elif method == "$/progress" and message["params"].get("value", {}).get("kind") == "end":
            self.progress_done.set()

    async def wait_published(self, uris: set[str], after: int, min_version: int | None = None,
                             timeout: float = 10.0) -> float | None:
        """Arrival time of the last of `uris` published after sequence number `after` (None: timed out)."""

        def arrived() -> dict[str, float]:
            seen: dict[str, float] = {}
            for item in self.published[after:]:
                if item.uri in uris and item.uri not in seen and (
                        min_version is None or item.version is None or item.version >= min_version):
                    seen[item.uri] = item.at
            return seen

        try:
            async with self.changed:
                await asyncio.wait_for(self.changed.wait_for(lambda: len(arrived()) == len(uris)), timeout)
        except TimeoutError:
            return None
        return max(arrived().values())

    async def quiet(self, seconds: float = 0.5, limit: float = 30.0) -> None:
        """Wait until no diagnostics arrived for `seconds` (the index's own publications are over)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            count = len(self.published)
            await asyncio.sleep(seconds)
            if len(self.published) == count:
                return


async def shut_down(client: Client, process, timeout: float) -> None:
    """The LSP goodbye: `shutdown`, `exit`, and the server's process ending."""
    await client.request("shutdown", None, timeout=timeout)
    await client.notify("exit", None)
    await asyncio.wait_for(process.wait(), timeout)


async def stopped(process, reader: asyncio.Task) -> None:
    """For `finally`: the server killed if it is still running, its reader stopped."""
    if process.returncode is None:
        process.kill()
        await process.wait()
    reader.cancel()


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class LspResult:
    initialize_ms: float | None = None
    ready_s: float | None = None
    edit_ms: list[float] = field(default_factory=list)
    edit_missed: int = 0
    model_ms: list[float] = field(default_factory=list)
    model_missed: int = 0
    summary_ms: list[float] = field(default_factory=list)  # a helper edit that changes its summary
    summary_caller_ms: list[float] = field(default_factory=list)  # ... -> its caller's diagnostics
    summary_missed: int = 0
    dependants: int = 0
    hover_ms: list[float] = field(default_factory=list)
    completion_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    peak_rss_mb: float | None = None

    @staticmethod
    def p(values: list[float], q: float) -> str:
        value = _percentile(values, q)
        return "n/a" if value is None else f"{value:.1f}"


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def _run(command: list[str], project: Path, spots: dict, edits: int, env: dict, stderr) -> LspResult:
    result = LspResult()
    process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env,
                                                   limit=2**24)
    client = Client(process)
    reader = asyncio.create_task(client.read_loop())
    try:
        started = time.perf_counter()
        await client.request("initialize", {
            "processId": os.getpid(),
            "rootUri": _uri(project),
            "workspaceFolders": [{"uri": _uri(project), "name": project.name}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": True},
                "textDocument": {
                    "synchronization": {"didSave": True, "dynamicRegistration": False},
                    "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "completion": {"completionItem": {"snippetSupport": False}},
                },
                "workspace": {"workspaceFolders": True, "configuration": True},
            },
        }, timeout=60)
        result.initialize_ms = (time.perf_counter() - started) * 1000
        await client.notify("initialized", {})

        target, models = spots["target"], spots["models"]
        target_uri, models_uri = _uri(target), _uri(models)
        mark = len(client.published)
        for path in (target, models, spots["helper"]):
            await client.notify("textDocument/didOpen", {"textDocument": {
                "uri": _uri(path), "languageId": "python", "version": 1, "text": path.read_text()}})
        if await client.wait_published({target_uri}, mark, timeout=120) is None:
            result.notes.append("no diagnostics for the opened file within 120 s")
            return result
        result.ready_s = time.perf_counter() - started
        await client.quiet()

        # 1. Edits inside a function body of the 300-line file.
        line = spots["edit_line"]
        version = 1
        for i in range(edits):
            version += 1
            new = f"total = {i % 7 + 1}"
            mark = len(client.published)
            await client.notify("textDocument/didChange", {
                "textDocument": {"uri": target_uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": 4},
                                              "end": {"line": line, "character": 4 + len("total = 0")}},
                                    "text": new}],
            })
            sent = time.perf_counter()
            arrived = await client.wait_published({target_uri}, mark, min_version=version, timeout=5)
            if arrived is None:
                result.edit_missed += 1
            else:
                result.edit_ms.append((arrived - sent) * 1000)

        # 2. A field of the model the other apps' serializers read, renamed back and forth.
        dependants = {_uri(path) for path in spots["dependants"]}
        result.dependants = len(dependants)
        field_line = spots["field_line"]
        names = ("title", "name")
        version = 1
        for i in range(edits):
            version += 1
            old, new = names[(i + 1) % 2], names[i % 2]
            mark = len(client.published)
            await client.notify("textDocument/didChange", {
                "textDocument": {"uri": models_uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": field_line, "character": 4},
                                              "end": {"line": field_line, "character": 4 + len(old)}},
                                    "text": new}],
            })
            sent = time.perf_counter()
            arrived = await client.wait_published(dependants, mark, timeout=5)
            if arrived is None:
                result.model_missed += 1
            else:
                result.model_ms.append((arrived - sent) * 1000)
        await client.quiet(0.3)

        # 3. A helper's body edited so that its summary changes (a relation read or not).
        helper_uri, caller_uri = _uri(spots["helper"]), _uri(spots["caller"])
        reads = ("product.name", "product.category.label")
        version = 1
        for i in range(edits):
            version += 1
            old, new = reads[i % 2], reads[(i + 1) % 2]
            mark = len(client.published)
            await client.notify("textDocument/didChange", {
                "textDocument": {"uri": helper_uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": 1, "character": 13},
                                              "end": {"line": 1, "character": 13 + len(old)}},
                                    "text": new}],
            })
            sent = time.perf_counter()
            edited = await client.wait_published({helper_uri}, mark, min_version=version, timeout=5)
            caller = await client.wait_published({caller_uri}, mark, timeout=5)
            if edited is None or caller is None:
                result.summary_missed += 1
            else:
                result.summary_ms.append((edited - sent) * 1000)
                result.summary_caller_ms.append((caller - sent) * 1000)
        await client.quiet(0.3)

        # 4. Hover and completion round trips.
        for method, (row, column), bucket in (("textDocument/hover", spots["hover"], result.hover_ms),
                                              ("textDocument/completion", spots["completion"],
                                               result.completion_ms)):
            for _ in range(min(edits, 100)):
                sent = time.perf_counter()
                try:
                    await client.request(method, {"textDocument": {"uri": target_uri},
                                                  "position": {"line": row, "character": column}}, timeout=10)
                except (RuntimeError, TimeoutError) as error:
                    reason = str(error) or f"no answer within 10 s ({type(error).__name__})"
                    result.notes.append(f"{method}: {reason}")
                    break
                bucket.append((time.perf_counter() - sent) * 1000)
        result.peak_rss_mb = _peak_rss_mb(process.pid)
        await shut_down(client, process, 10)
    finally:
        await stopped(process, reader)
    return result


def measure(command: list[str], workdir: Path, edits: int) -> LspResult:
    project = workdir / "synth"
    spots = make_project(project)
    env = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(workdir / "cache"), "DJANGO_SECRET_KEY": "x"}
    with open(workdir / "server.log", "wb") as stderr:
        result = asyncio.run(_run(command, project, spots, edits, env, stderr))
    if result.notes:
        log = (workdir / "server.log").read_text(errors="replace").strip().splitlines()
        result.notes += [f"server stderr: {line}" for line in log[-5:]]
    return result


if __name__ == "__main__":  # a quick manual run: python tests/benchmarks/bench_lsp.py
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        script = Path(sys.executable).with_name("django-expert")
        outcome = measure([str(script), "lsp"], Path(scratch), 20)
        print(outcome)
