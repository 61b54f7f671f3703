"""jedi's memory in a long-running server is bounded (issue 11, item 8): parso's cache of
module trees keeps at most `parso_lines` lines, the most recently used first, and a
project whose layout changed gets a new jedi Project; the server asks jedi in a child process
it replaces when it dies, grows past its bound or does not answer."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import parso
import pytest
from parso import cache

from django_expert.analyzers.navigation.jedi_fallback import JediFallback, JediProcess, bound_parso_cache


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


def test_the_server_asks_jedi_in_a_child_process_with_the_same_answers(tmp_path):
    path = tmp_path / "module.py"
    text = "import json\n\njson.dumps\n"
    local = JediFallback()
    child = JediProcess()
    try:
        assert child.hover(None, path, text, 2, 6) == local.hover(None, path, text, 2, 6)
        assert child.definition(None, path, text, 2, 6) == local.definition(None, path, text, 2, 6) != []
        assert child.starts == 1 and child.pid != os.getpid()
    finally:
        child.close()
    assert child.pid is None


def test_a_dead_child_is_replaced_and_a_large_one_retired(tmp_path):
    path = tmp_path / "module.py"
    text = "import json\n\njson.dumps\n"
    child = JediProcess()
    try:
        assert child.hover(None, path, text, 2, 6)
        os.kill(child.pid, signal.SIGKILL)
        child._process.wait()
        assert child.hover(None, path, text, 2, 6)  # a new child answers
        assert child.starts == 2
        child.max_rss_mb = 1  # every child is past it: retired after its answer
        assert child.hover(None, path, text, 2, 6)
        assert child.pid is None
    finally:
        child.close()


def test_a_child_that_does_not_answer_in_time_gives_no_answer(tmp_path):
    child = JediProcess(timeout=0.0001)
    try:
        assert child.definition(None, tmp_path / "m.py", "import json\njson.dumps\n", 1, 6) == []
        assert child.pid is None  # killed; the next call starts another
    finally:
        child.close()
