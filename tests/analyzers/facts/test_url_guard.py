"""What a guard reads of the URL (`facts/url_guard.py`), on plane's shapes."""

import ast
import textwrap

from django_expert.analyzers.facts.url_guard import UNKNOWN, refuses, url_kwargs


def _function(source: str):
    return ast.parse(textwrap.dedent(source)).body[0]


def test_a_decorators_wrapper_reading_kwargs_by_name():
    function = _function("""
        def allow_permission(roles, creator=False, model=None):
            def decorator(view_func):
                def wrapped(instance, request, *args, **kwargs):
                    if creator and model.objects.filter(id=kwargs["pk"], created_by=request.user).exists():
                        return view_func(instance, request, *args, **kwargs)
                    if Member.objects.filter(slug=kwargs["slug"], project_id=kwargs.get("project_id")).exists():
                        return view_func(instance, request, *args, **kwargs)
                    return Response(status=403)
                return wrapped
            return decorator
    """)
    assert url_kwargs(function) == ("pk", "project_id", "slug")


def test_what_may_learn_about_an_object_otherwise_is_unknown():
    body_read = _function("""
        def has_permission(self, request, view):
            return Member.objects.filter(project=request.data["project"], slug=view.kwargs["slug"]).exists()
    """)
    handed_on = _function("""
        def guard(view_func):
            def wrapped(request, *args, **kwargs):
                check_access(request.user, **kwargs)
                return view_func(request, *args, **kwargs)
            return wrapped
    """)
    computed_key = _function("""
        def has_permission(self, request, view):
            return Member.objects.filter(slug=view.kwargs[view.lookup_url_kwarg]).exists()
    """)
    object_check = _function("""
        def has_permission(self, request, view):
            return view.kwargs["slug"] and view.get_object().owner == request.user
    """)
    assert url_kwargs(body_read) == ("slug", UNKNOWN)
    assert url_kwargs(handed_on) == (UNKNOWN,)
    assert url_kwargs(computed_key) == (UNKNOWN,)
    assert url_kwargs(object_check) == ("slug", UNKNOWN)


def test_a_setup_override_refuses_nothing():
    plane_dispatch = _function("""
        def dispatch(self, request, *args, **kwargs):
            try:
                response = super().dispatch(request, *args, **kwargs)
                return response
            except Exception as exc:
                response = self.handle_exception(exc)
                return exc
    """)
    refusing = _function("""
        def dispatch(self, request, *args, **kwargs):
            if not request.user.is_staff:
                return HttpResponseForbidden()
            return super().dispatch(request, *args, **kwargs)
    """)
    raising = _function("""
        def initial(self, request, *args, **kwargs):
            super().initial(request, *args, **kwargs)
            if request.user.banned:
                raise PermissionDenied
    """)
    assert (refuses(plane_dispatch), refuses(refusing), refuses(raising)) == (False, True, True)
    assert url_kwargs(plane_dispatch) == ()


def test_the_nodes_a_summary_walked_once_give_the_same_answers():
    """Summarising hands the function's nodes, walked once, to both readers."""
    from django_expert.analyzers.facts.walk import breadth_first

    function = _function("""
        def dispatch(self, request, *args, **kwargs):
            if not Member.objects.filter(slug=self.kwargs["slug"]).exists():
                raise PermissionDenied
            return super().dispatch(request, *args, **kwargs)
    """)
    nodes = breadth_first([function])
    assert url_kwargs(function, nodes) == url_kwargs(function) == ("slug",)
    assert refuses(function, nodes) is refuses(function) is True
