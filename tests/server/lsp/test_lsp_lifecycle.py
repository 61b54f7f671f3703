"""Startup: what the server says about itself."""

from __future__ import annotations

from importlib.metadata import version

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="function")


@pytest.mark.parametrize("client", ["visual-studio-code", "neovim", "emacs"], indirect=True)
async def test_the_server_names_its_version(session, shop):
    result = await session.start(shop)
    assert (result.server_info.name, result.server_info.version) == ("django-expert", version("django-expert"))
    print("serverInfo:", result.server_info)
    started = [m.message for m in session.client.log_messages if m.message.startswith("django-expert ")]
    assert started[0].startswith(f"django-expert {version('django-expert')} (Python 3.")
