from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE509"


def test_blocking_calls_in_async_functions_are_reported(tmp_path):
    found = findings(tmp_path, {"app/views.py": """
        import subprocess
        import time
        from urllib.request import urlopen

        import requests
        from django.core.mail import send_mail


        async def view(request):
            reply = requests.get("https://example.com", timeout=5)
            time.sleep(1)
            with open("/tmp/x") as stream:
                stream.read()
            subprocess.run(["ls"])
            send_mail("s", "m", "a@example.com", ["b@example.com"])
            return urlopen("https://example.com")
    """}, CODE)
    assert [f.message.split("`")[1] for f in found] == [
        "requests.get()", "time.sleep()", "open()", "subprocess.run()", "django.core.mail.send_mail()",
        "urllib.request.urlopen()"]
    assert "`await asyncio.sleep(...)`" in found[1].message


def test_async_clients_threads_and_sync_functions_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/views.py": """
        import asyncio
        import time

        import httpx
        import requests
        from asgiref.sync import sync_to_async


        async def view(request, open=None):
            async with httpx.AsyncClient() as client:
                await client.get("https://example.com")
            await asyncio.sleep(1)
            await asyncio.to_thread(time.sleep, 1)
            await sync_to_async(requests.get)("https://example.com")
            blocking = lambda: time.sleep(1)
            return open("x")


        def sync_view(request):
            time.sleep(1)
            return requests.get("https://example.com")
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/views.py": """
        import time


        async def view(request):
            time.sleep(0.1)  # noqa: DJE509
    """}, CODE)
