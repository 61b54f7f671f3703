"""Fixtures of the engagement tests: each test gets its own copy of the shop workspace and
its own facts cache (DJANGO_EXPERT_CACHE_DIR), for subprocesses and in-process engines alike."""

from __future__ import annotations

import os

import pytest
from engagement_helpers import copy_workspace


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def shop(tmp_path, env, monkeypatch):
    monkeypatch.setenv("DJANGO_EXPERT_CACHE_DIR", env["DJANGO_EXPERT_CACHE_DIR"])
    return copy_workspace("shop", tmp_path / "work" / "shop")
