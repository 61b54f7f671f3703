"""DJE509 blocking-io-in-async

## What it does
Finds blocking calls inside `async def` functions: `time.sleep`, the synchronous HTTP
clients (`requests.*`, `httpx.get/post/...`, `urllib.request.urlopen`), `subprocess.run`
and friends, `open()` for file I/O, and Django's synchronous `send_mail` helpers. A
function handed to `sync_to_async(...)` or `asyncio.to_thread(...)` is not called there and
is fine.

## Why is this bad?
An async view runs on the event loop shared by every request the worker serves; a blocking
call stops all of them until it returns. One slow HTTP call in an async view makes the
whole worker slower than a synchronous one.

## Example
```python
async def weather(request):
    reply = requests.get("https://api.example.com/weather", timeout=5)
    time.sleep(1)
    return JsonResponse(reply.json())
```

## Use instead
```python
async def weather(request):
    async with httpx.AsyncClient() as client:
        reply = await client.get("https://api.example.com/weather", timeout=5)
    await asyncio.sleep(1)
    return JsonResponse(reply.json())
```
Or run the blocking code in a thread: `await sync_to_async(blocking_function)(...)`.

## References
- https://docs.djangoproject.com/en/stable/topics/async/
- https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import Ref
from django_expert.analyzers.project.query_source import source_flows, walk_scope
from django_expert.analyzers.rules.registry import rule

_HTTP = ("get", "post", "put", "patch", "delete", "head", "options", "request")
# Qualified callee -> what to use instead.
_BLOCKING = {
    "time.sleep": "`await asyncio.sleep(...)`",
    "urllib.request.urlopen": "an async HTTP client (`httpx.AsyncClient`, `aiohttp`)",
    "subprocess.run": "`await asyncio.create_subprocess_exec(...)`",
    "subprocess.call": "`await asyncio.create_subprocess_exec(...)`",
    "subprocess.check_call": "`await asyncio.create_subprocess_exec(...)`",
    "subprocess.check_output": "`await asyncio.create_subprocess_exec(...)`",
    "os.system": "`await asyncio.create_subprocess_shell(...)`",
    "open": "`await sync_to_async(...)` around the file work (or `aiofiles`)",
    "socket.create_connection": "`await asyncio.open_connection(...)`",
    "django.core.mail.send_mail": "`await sync_to_async(send_mail)(...)`",
    "django.core.mail.send_mass_mail": "`await sync_to_async(send_mass_mail)(...)`",
    "smtplib.SMTP": "`await sync_to_async(...)` around the SMTP work",
    **{f"requests.{m}": "an async HTTP client (`httpx.AsyncClient`, `aiohttp`)" for m in _HTTP},
    **{f"httpx.{m}": "`httpx.AsyncClient` and `await client.<method>(...)`" for m in _HTTP},
}


@rule("DJE509", "blocking-io-in-async", tier="recommended", triggers=("async def",))
def check(ctx):
    flows = source_flows(ctx)
    local = {node.name for node in ctx.tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for owner in flows.functions:
        if not isinstance(owner.function, ast.AsyncFunctionDef):
            continue
        bound = flows.locals_of(owner.function)
        for node in sorted((n for n in walk_scope(owner.function) if isinstance(n, ast.Call)),
                           key=lambda n: (n.lineno, n.col_offset)):
            callee = flows.values(node.func)
            if not isinstance(callee, Ref) or callee.name not in _BLOCKING:
                continue
            if callee.name == "open" and ("open" in local or "open" in bound.assigned or "open" in bound.blocked):
                continue
            yield ctx.report(
                node.func,
                f"`{callee.name}()` blocks the event loop in `async def {owner.function.name}`, and every "
                f"request this worker serves waits with it: use {_BLOCKING[callee.name]}",
            )
