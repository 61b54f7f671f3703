"""jedi's memory in a long-running server is bounded (issue 11, item 8): parso's cache of
module trees keeps at most `parso_lines` lines, the most recently used first, and a
project whose layout changed gets a new jedi Project."""

from __future__ import annotations

from pathlib import Path

import parso
import pytest
from parso import cache

from django_expert.analyzers.navigation.jedi_fallback import JediFallback, bound_parso_cache


@pytest.fixture
def parso_cache():
    """parso's module cache (one dict that parso and jedi import by name), emptied for the
    test and refilled after it."""
    saved = dict(cache.parser_cache)
    cache.parser_cache.clear()
    yield cache.parser_cache
    cache.parser_cache.clear()
    cache.parser_cache.update(saved)


def held() -> dict[str, int]:
    return {Path(path).name: len(item.lines) for by_path in cache.parser_cache.values()
            for path, item in by_path.items()}


def test_the_least_recently_used_trees_go_first(parso_cache, tmp_path):
    grammar = parso.load_grammar()
    for number, name in enumerate(("old.py", "middle.py", "new.py")):
        # diff_cache keeps the tree in memory without pickling it to parso's disk cache
        grammar.parse("x = 1\n" * 10, path=str(tmp_path / name), diff_cache=True, cache=False)
        next(iter(parso_cache.values()))[tmp_path / name].last_used = 1000 + number
    assert held() == {"old.py": 11, "middle.py": 11, "new.py": 11}

    assert bound_parso_cache(40) == 0
    assert bound_parso_cache(25) == 1
    assert held() == {"middle.py": 11, "new.py": 11}
    assert bound_parso_cache(0) == 2
    assert held() == {}


def test_hover_leaves_parso_within_its_budget(parso_cache, tmp_path):
    path = tmp_path / "module.py"
    text = "import json\n\njson.dumps\n"
    fallback = JediFallback(parso_lines=500)
    assert "dumps" in fallback.hover(None, path, text, 2, 6)
    assert 0 < sum(held().values()) <= 500
    assert fallback.definition(None, path, text, 2, 6)
    assert sum(held().values()) <= 500
