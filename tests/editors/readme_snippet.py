"""Print the code block that follows `<!-- test: TAG -->` in a README, so that the editor
tests run exactly what the documentation tells users to write.

    python3 readme_snippet.py editors/nvim/README.md nvim-enable /path/to/checkout

The README's example checkout path, `~/src/django-expert`, becomes the given checkout.
Exit status 1 (with a message) when the tag or its block is missing.
"""

from __future__ import annotations

import re
import sys

EXAMPLE_CHECKOUT = "~/src/django-expert"


def snippet(text: str, tag: str) -> str | None:
    match = re.search(r"<!--\s*test:\s*" + re.escape(tag) + r"\s*-->\s*\n```[^\n]*\n(.*?)\n```", text, re.S)
    return match.group(1) if match else None


def main(argv: list[str]) -> int:
    readme, tag, checkout = argv[1:4]
    with open(readme, encoding="utf-8") as handle:
        block = snippet(handle.read(), tag)
    if block is None:
        print(f"readme_snippet: no block tagged <!-- test: {tag} --> in {readme}", file=sys.stderr)
        return 1
    print(block.replace(EXAMPLE_CHECKOUT, checkout))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
