"""Switches (facts/switches.py): what runs only for some values of a parameter, kept in summaries."""

from tests.analyzers.facts.test_summaries import summaries


def test_code_run_only_when_a_parameter_is_empty_is_marked():
    found = summaries("""
        from shop.models import Group, Kind
        from shop.perms import only_with, fetch_default, log


        def grant(obj, *, merge=False, kind=None, strict=True):
            stale = only_with(obj) if not merge else Group.objects.none()
            if not strict:
                Group.objects.get(pk=1)
            return fetch_default() if merge else log(obj)


        def label(obj, kind=None):
            return kind or Kind.objects.first()
    """)
    assert found["grant"].gates == ("!merge:unset:shop.perms.log", "!merge:unset:shop.perms.only_with")
    assert found["grant"].queries == ("shop.models.Group.objects.get",), "strict is true by default: not marked"
    assert found["label"].queries == ("!kind:fallback:shop.models.Kind.objects.first",)


def test_the_constants_every_call_passes_are_kept():
    found = summaries("""
        from shop.perms import grant, revoke


        def assign(obj):
            grant(obj, merge=True)
            grant(obj, merge=True, kind=None)
            revoke(obj, True, "message")
            revoke(obj, False)
    """)
    assert found["assign"].constants == ("shop.perms.grant|merge=1",)
