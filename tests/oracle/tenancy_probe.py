"""Attack every case of tests/workspaces/tenancy through Django's test clients and say which got through.

Usage: python tenancy_probe.py WORKSPACE [--settings MODULE] [--only T1,T3,...]

Runs in its own interpreter (the tests never import Django): loads the workspace's settings
(`tenancy.settings.prod` unless told otherwise, with `CORS_ALLOW_ALL_ORIGINS` unset, as a
fresh deployment has it) on a temporary SQLite database, migrates, and creates the fixture:

* org A "Acme" (projects Apollo and Artemis, document "Acme merger memo") and org B
  "Globex" (project Borealis, document "Globex roadmap");
* alice: admin of Acme, member of Apollo; carol: member of Acme and of Artemis, not of
  Apollo; bob: admin of Globex, member of Borealis; all with password `PASSWORD`;
* a task in each project (Apollo's is "Apollo launch plan"), alice's comment on it, and a
  public announcement.

Each case then runs its attack through `APIClient` / `Client` (every request over HTTPS to
the first host of ALLOWED_HOSTS: `tenancy.example.com` in production) inside a transaction that is rolled back
afterwards, with the cache (the throttles' counters) cleared, so cases never see each
other's writes. Prints `{case_id: {"exploited": bool, "status": int, "evidence": str}}`:
`exploited` is read from the database or the response (the row was written, the other
tenant's data is in the body, the header is there), never from the status alone.
Nothing here is mocked: real requests, real middleware, real authentication.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True

PASSWORD = "correct-horse-battery-staple"
WRONG = "not-the-password"
HOST = "tenancy.example.com"  # replaced by the first of the settings' ALLOWED_HOSTS
EVIL = "https://evil.example"
ATTEMPTS = 20
# Strings that only a member of the owning tenant may see.
TENANT_SECRETS = ("Apollo launch plan", "Acme merger memo", "alice's private comment on the launch plan")


def main(workspace: str, settings_module: str, only: set[str] | None) -> dict:
    workspace = os.path.abspath(workspace)
    sys.path.insert(0, workspace)
    os.chdir(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ.pop("CORS_ALLOW_ALL_ORIGINS", None)  # the branch a deployment takes when it is unset
    os.environ["BILLING_WEBHOOK_SECRET"] = "probe-webhook-secret"  # the provider and the site share it
    scratch = tempfile.mkdtemp(prefix="tenancy-probe-")
    try:
        return _probe(scratch, only)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _probe(scratch: str, only: set[str] | None) -> dict:

    from django.conf import settings

    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(scratch, "db.sqlite3")}}
    # A fast hasher, as Django's own test settings advise: 80 wrong passwords are checked.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import django

    django.setup()
    global HOST
    HOST = next((host for host in settings.ALLOWED_HOSTS if host not in ("*", "") and not host.startswith(".")), HOST)
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    fixture = _fixture()
    results = {}
    for case_id, attack in CASES.items():
        if only and case_id not in only:
            continue
        results[case_id] = _run(attack, fixture)
    return results


def _fixture() -> dict:
    from django.contrib.auth import get_user_model
    from orgs.models import Membership, Organization
    from projects.models import Announcement, Comment, Document, Project, ProjectMembership, Task

    User = get_user_model()
    alice = User.objects.create_user("alice", "alice@acme.example", PASSWORD)
    carol = User.objects.create_user("carol", "carol@acme.example", PASSWORD)
    bob = User.objects.create_user("bob", "bob@globex.example", PASSWORD)
    acme = Organization.objects.create(name="Acme")
    globex = Organization.objects.create(name="Globex")
    Membership.objects.create(user=alice, organization=acme, role=Membership.Role.ADMIN)
    Membership.objects.create(user=carol, organization=acme, role=Membership.Role.MEMBER)
    Membership.objects.create(user=bob, organization=globex, role=Membership.Role.ADMIN)
    apollo = Project.objects.create(organization=acme, name="Apollo")
    artemis = Project.objects.create(organization=acme, name="Artemis")
    borealis = Project.objects.create(organization=globex, name="Borealis")
    ProjectMembership.objects.create(user=alice, project=apollo)
    ProjectMembership.objects.create(user=carol, project=artemis)
    ProjectMembership.objects.create(user=bob, project=borealis)
    apollo_task = Task.objects.create(project=apollo, title="Apollo launch plan")
    Task.objects.create(project=artemis, title="Artemis budget")
    borealis_task = Task.objects.create(project=borealis, title="Borealis kickoff")
    Comment.objects.create(task=apollo_task, author=alice, body="alice's private comment on the launch plan")
    acme_doc = Document.objects.create(organization=acme, title="Acme merger memo", body="Confidential.")
    Document.objects.create(organization=globex, title="Globex roadmap")
    news = Announcement.objects.create(title="Maintenance on Sunday", body="The site will be down for an hour.")
    return {"alice": alice, "carol": carol, "bob": bob, "acme": acme, "globex": globex, "apollo": apollo,
            "artemis": artemis, "borealis": borealis, "apollo_task": apollo_task, "borealis_task": borealis_task,
            "acme_doc": acme_doc, "news": news}


def _run(attack, fixture) -> dict:
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()
    try:
        with transaction.atomic():
            exploited, status, evidence = attack(fixture)
            transaction.set_rollback(True)
    finally:
        cache.clear()
    return {"exploited": bool(exploited), "status": status, "evidence": evidence}


# --- clients ---------------------------------------------------------------------------------


def _api(user=None, csrf=False):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=csrf, HTTP_HOST=HOST)
    if user is not None:
        client.force_login(user)  # a real session cookie, as the login view would set
    return client


def _web(user=None):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    if user is not None:
        client.force_login(user)
    return client


def _get(client, url, **extra):
    return client.get(url, secure=True, **extra)


def _post(client, url, data=None, **extra):
    return client.post(url, data or {}, format="json", secure=True, **extra)


def _patch(client, url, data):
    return client.patch(url, data, format="json", secure=True)


def _text(response) -> str:
    return response.content.decode(errors="replace")


def _leaks(response) -> list[str]:
    body = _text(response)
    return [secret for secret in TENANT_SECRETS if secret in body]


def _short(response, limit=160) -> str:
    return _text(response).replace("\n", " ")[:limit]


def _read_attack(response, who: str, what: str):
    leaked = _leaks(response)
    if response.status_code == 200 and leaked:
        return True, response.status_code, f"{who} got {what}: {leaked}"
    return False, response.status_code, f"{who} refused: {_short(response)}"


# --- the cases ---------------------------------------------------------------------------------


def t1(f):
    response = _post(_api(f["bob"]), "/api/projects/archive/", {"project": f["apollo"].pk})
    f["apollo"].refresh_from_db()
    if f["apollo"].archived:
        return True, response.status_code, "bob (org B) archived org A's project Apollo"
    return False, response.status_code, f"Apollo not archived: {_short(response)}"


def l1(f):
    bob = _api(f["bob"])
    own = _post(bob, "/api/projects/rename/", {"project": f["borealis"].pk, "name": "Borealis 2"})
    response = _post(bob, "/api/projects/rename/", {"project": f["apollo"].pk, "name": "pwned by bob"})
    f["apollo"].refresh_from_db()
    if f["apollo"].name == "pwned by bob":
        return True, response.status_code, "bob renamed org A's project Apollo"
    return False, response.status_code, f"Apollo keeps its name; bob renaming his own project: {own.status_code}"


def t2(f):
    return _read_attack(_get(_api(f["bob"]), f"/api/tasks/{f['apollo_task'].pk}/summary/"), "bob (org B)", "org A's task")


def l10(f):
    return _read_attack(_get(_api(f["bob"]), f"/api/tasks/{f['apollo_task'].pk}/activity/"), "bob (org B)", "org A's task")


def _task_planted(project, title):
    from projects.models import Task

    return Task.objects.filter(project=project, title=title).exists()


def t3(f):
    response = _post(_api(f["bob"]), "/api/tasks/", {"project": f["apollo"].pk, "title": "planted by bob"})
    if _task_planted(f["apollo"], "planted by bob"):
        return True, response.status_code, "bob (org B) created a task in org A's project Apollo"
    return False, response.status_code, f"no task created: {_short(response)}"


def l2(f):
    bob = _api(f["bob"])
    own = _post(bob, "/api/tasks/quick/", {"project": f["borealis"].pk, "title": "bob's own"})
    response = _post(bob, "/api/tasks/quick/", {"project": f["apollo"].pk, "title": "planted by bob"})
    if _task_planted(f["apollo"], "planted by bob"):
        return True, response.status_code, "bob created a task in Apollo"
    return False, response.status_code, f"refused: {_short(response)}; in his own project: {own.status_code}"


def l2b(f):
    bob = _api(f["bob"])
    response = _post(bob, f"/api/tasks/{f['borealis_task'].pk}/move/", {"project": f["apollo"].pk})
    f["borealis_task"].refresh_from_db()
    if f["borealis_task"].project_id == f["apollo"].pk:
        return True, response.status_code, "bob moved his task into org A's project Apollo"
    return False, response.status_code, f"refused: {_short(response)}"


def t4(f):
    from projects.models import Comment

    response = _post(_api(f["bob"]), "/api/comments/", {"task": f["apollo_task"].pk, "body": "bob was here"})
    if Comment.objects.filter(task=f["apollo_task"], author=f["bob"]).exists():
        return True, response.status_code, "bob (org B) commented on org A's task"
    return False, response.status_code, f"no comment: {_short(response)}"


def t5(f):
    carol = _api(f["carol"])
    sibling = _get(carol, "/api/tasks/")
    response = _get(carol, "/api/org-tasks/")
    exploited, status, evidence = _read_attack(response, "carol (org A, not in project Apollo)", "Apollo's task")
    return exploited, status, f"{evidence}; the sibling /api/tasks/ shows her it: {bool(_leaks(sibling))}"


def t6(f):
    return _read_attack(_get(_api(), "/api/comments/feed/"), "an anonymous client", "every comment")


def l3(f):
    response = _get(_api(), "/api/orgs/members/")
    if response.status_code == 200:
        return True, 200, f"an anonymous client listed memberships: {_short(response)}"
    return False, response.status_code, f"anonymous refused: {_short(response)}"


def t7(f):
    response = _get(_api(f["bob"]), "/api/project-directory/")
    names = [p["name"] for p in response.json()] if response.status_code == 200 else []
    others = [name for name in names if name in ("Apollo", "Artemis")]
    if others:
        return True, 200, f"bob (org B, no model permissions) listed org A's projects {others}"
    return False, response.status_code, f"refused: {_short(response)}"


def _csrf_attack(f, url, done_before):
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from projects.models import Task

    task = f["borealis_task"]
    Task.objects.filter(pk=task.pk).update(done=done_before)
    client = _api(f["bob"], csrf=True)
    # The browser holds the session and CSRF cookies of an earlier visit; the forged request
    # comes from the site's own origin (so only the token is missing) and carries no token.
    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    response = _post(client, url, HTTP_ORIGIN=f"https://{HOST}")
    task.refresh_from_db()
    changed = task.done != done_before
    return changed, response


def t8(f):
    changed, response = _csrf_attack(f, f"/api/tasks/{f['borealis_task'].pk}/complete/", False)
    if changed:
        return True, response.status_code, "a session POST without a CSRF token completed the task"
    return False, response.status_code, f"refused: {_short(response)}"


def l8(f):
    changed, response = _csrf_attack(f, f"/api/tasks/{f['borealis_task'].pk}/reopen/", True)
    if changed:
        return True, response.status_code, "a session POST without a CSRF token reopened the task"
    return False, response.status_code, f"refused: {_short(response)}"


def t9(f):
    credentials = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    response = _get(_api(), "/api/projects/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    names = [p["name"] for p in response.json()] if response.status_code == 200 else []
    if "Apollo" in names:
        return True, 200, f"HTTP Basic credentials accepted by the prod defaults: {names}"
    return False, response.status_code, f"Basic refused: {_short(response)}"


def t10(f):
    response = _get(_api(f["alice"]), "/api/me/", HTTP_ORIGIN=EVIL)
    allow_origin = response.headers.get("Access-Control-Allow-Origin")
    allow_credentials = response.headers.get("Access-Control-Allow-Credentials")
    evidence = (f"Access-Control-Allow-Origin: {allow_origin}; Access-Control-Allow-Credentials: {allow_credentials};"
                f" body: {_short(response, 80)}")
    return allow_origin == EVIL and allow_credentials == "true" and response.status_code == 200, response.status_code, evidence


def _guess(url, field="username"):
    client = _api()
    statuses = []
    for _ in range(ATTEMPTS):
        statuses.append(_post(client, url, {field: "alice", "password": WRONG}).status_code)
    if 429 in statuses:
        return False, 429, f"throttled at attempt {statuses.index(429) + 1} of {ATTEMPTS}: {statuses}"
    return True, statuses[-1], f"{ATTEMPTS} wrong passwords, no 429: statuses {sorted(set(statuses))}"


def t11(f):
    return _guess("/api/auth/login/")


def t11b(f):
    return _guess("/api/auth/token/")


def l5(f):
    return _guess("/api/auth/mobile-login/")


def l5b(f):
    return _guess("/api/auth/app-token/")


def _privilege(f, url):
    response = _patch(_api(f["bob"]), url, {"admin": True})
    f["bob"].refresh_from_db()
    if f["bob"].is_staff:
        return True, response.status_code, f"bob made himself staff through {url}"
    return False, response.status_code, f"bob is not staff: {_short(response)}"


def t12(f):
    return _privilege(f, "/api/me/")


def l7(f):
    return _privilege(f, "/api/profile/")


def t13(f):
    return _read_attack(_get(_web(f["bob"]), f"/documents/{f['acme_doc'].pk}/"), "bob (org B)", "org A's document")


def l9(f):
    return _read_attack(_get(_web(f["bob"]), f"/documents/{f['acme_doc'].pk}/print/"), "bob (org B)", "org A's document")


def t14(f):
    from orgs.models import Membership

    payload = {"organization": f["acme"].pk, "username": "bob", "role": "admin"}
    response = _post(_api(f["bob"]), "/api/orgs/invitations/", payload)
    if Membership.objects.filter(user=f["bob"], organization=f["acme"]).exists():
        return True, response.status_code, "bob (org B) made himself an admin of org A"
    return False, response.status_code, f"no membership: {_short(response)}"


def l4(f):
    from django.conf import settings

    def send(signature=None):
        body = json.dumps({"organization": f["acme"].pk, "plan": "pro"}).encode()
        extra = {} if signature is None else {"HTTP_X_BILLING_SIGNATURE": signature(body)}
        response = _api().post("/hooks/billing/", body, content_type="application/json", secure=True, **extra)
        f["acme"].refresh_from_db()
        return response, f["acme"].plan == "pro"

    unsigned, unsigned_changed = send()
    empty_key, empty_changed = send(lambda body: hmac.new(b"", body, hashlib.sha256).hexdigest())
    if unsigned_changed or empty_changed:
        return True, unsigned.status_code, "an unsigned webhook changed org A's plan"
    key = settings.BILLING_WEBHOOK_SECRET.encode()
    signed, signed_changed = send(lambda body: hmac.new(key, body, hashlib.sha256).hexdigest())
    return False, unsigned.status_code, (f"unsigned: {unsigned.status_code}, signed with an empty key:"
                                         f" {empty_key.status_code}; correctly signed: {signed.status_code},"
                                         f" plan changed: {signed_changed}")


def l6(f):
    response = _get(_api(), f"/api/announcements/{f['news'].pk}/")
    leaked = _leaks(response)
    if leaked:
        return True, response.status_code, f"tenant data in a public endpoint: {leaked}"
    return False, response.status_code, f"public by design, no tenant data: {_short(response, 80)}"


def _org_task_attack(f, route, title):
    bob = _api(f["bob"])
    own = _post(bob, f"/api/orgs/{f['globex'].pk}/tasks/{f['borealis_task'].pk}/{route}/", {"title": "bob's own"})
    response = _post(bob, f"/api/orgs/{f['globex'].pk}/tasks/{f['apollo_task'].pk}/{route}/", {"title": title})
    f["apollo_task"].refresh_from_db()
    if f["apollo_task"].title == title:
        return True, response.status_code, "bob (org B), through his own organization's URL, renamed org A's task"
    return False, response.status_code, f"Apollo's task keeps its title; bob renaming his own task: {own.status_code}"


def t15(f):
    return _org_task_attack(f, "rename", "renamed by bob")


def l11(f):
    return _org_task_attack(f, "retitle", "renamed by bob")


def _org_bulk_attack(f, route):
    from projects.models import Task

    response = _post(_api(f["bob"]), f"/api/orgs/{f['globex'].pk}/tasks/{route}/",
                     {"tasks": [f["apollo_task"].pk, f["borealis_task"].pk]})
    apollo_done = Task.objects.get(pk=f["apollo_task"].pk).done
    own_done = Task.objects.get(pk=f["borealis_task"].pk).done
    if apollo_done:
        return True, response.status_code, "bob (org B), through his own organization's URL, completed org A's task"
    return False, response.status_code, f"Apollo's task not done; bob's own task done: {own_done}"


def t16(f):
    return _org_bulk_attack(f, "bulk-complete")


def l12(f):
    return _org_bulk_attack(f, "bulk-close")


CASES = {
    "T1": t1, "T2": t2, "T3": t3, "T4": t4, "T5": t5, "T6": t6, "T7": t7, "T8": t8, "T9": t9, "T10": t10,
    "T11": t11, "T11b": t11b, "T12": t12, "T13": t13, "T14": t14, "T15": t15, "T16": t16,
    "L1": l1, "L2": l2, "L2b": l2b, "L3": l3, "L4": l4, "L5": l5, "L5b": l5b, "L6": l6, "L7": l7, "L8": l8,
    "L9": l9, "L10": l10, "L11": l11, "L12": l12,
}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace")
    parser.add_argument("--settings", default="tenancy.settings.prod")
    parser.add_argument("--only", default="", help="comma-separated case ids")
    args = parser.parse_args()
    only = {c for c in args.only.split(",") if c} or None
    print(json.dumps(main(args.workspace, args.settings, only), indent=1))
