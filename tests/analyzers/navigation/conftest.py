"""Shared fixtures: the workspace projects, indexed once per module (read only, no cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_expert.analyzers.engine import Engine

WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"


def engine_of(name: str) -> Engine:
    engine = Engine([WORKSPACES / name], use_cache=False)
    engine.index()
    return engine


@pytest.fixture(scope="module")
def shop_engine() -> Engine:
    return engine_of("shop")


@pytest.fixture(scope="module")
def shop(shop_engine):
    """The shop's ProjectModel."""
    return shop_engine.projects[0].model


@pytest.fixture(scope="module")
def blog():
    return engine_of("blog").projects[0].model
