"""`python -I -m django_expert.server.lsp [--tcp HOST:PORT]` (`-I`: see `django_expert.server`)."""

from __future__ import annotations

import argparse

from django_expert.server.lsp import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m django_expert.server.lsp", description=__doc__)
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    arguments = parser.parse_args(argv)
    try:
        serve(arguments.tcp)
    except ValueError as error:
        parser.error(str(error))


if __name__ == "__main__":
    main()
