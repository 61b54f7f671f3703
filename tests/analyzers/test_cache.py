"""The facts cache file itself: atomic writes, and the temporary files of writers that died."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from django_expert.analyzers import cache


def test_only_temporaries_of_dead_or_hour_old_writers_are_removed(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # its pid is now free
    alive = os.getppid()
    writing = tmp_path / f"facts-1.2.3-a-b.pickle.{alive}.x1.tmp"  # another server writing now
    dead = tmp_path / f"facts-1.2.3-a-b.pickle.{child.pid}.x2.tmp"
    hung = tmp_path / f"facts-1.2.3-a-b.pickle.{alive}.x3.tmp"
    unnamed = tmp_path / "facts-1.2.3-a-b.pickle.tmp"  # an older version's
    other = tmp_path / "notes.tmp"  # not ours
    for path in (writing, dead, hung, unnamed, other):
        path.write_bytes(b"x")
    hour_ago = time.time() - cache.STALE_AFTER - 60
    os.utime(hung, (hour_ago, hour_ago))
    assert cache.remove_stale_temporaries(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([writing.name, other.name])


def test_a_write_that_fails_leaves_no_temporary_file(tmp_path):
    contents = cache.Contents(projects={"root": lambda: None})  # pickle refuses a lambda
    assert not cache.Pending(tmp_path / "facts-x.pickle", contents).write()
    assert list(tmp_path.iterdir()) == []
    assert cache.Pending(tmp_path / "facts-x.pickle", cache.Contents(projects={"root": "sig"})).write()
    assert [p.name for p in tmp_path.iterdir()] == ["facts-x.pickle"]
