from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE413"


def test_locals_given_to_templates_are_reported(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            from django import shortcuts
            from django.shortcuts import render
            from django.template import Context, loader
            from django.template.response import TemplateResponse


            def profile(request):
                token = request.user.auth_token.key
                return render(request, "profile.html", locals())


            def page(request):
                return shortcuts.render(request, "page.html", context=locals())


            def mail(user):
                return loader.render_to_string("mail.txt", locals())


            def response(request):
                return TemplateResponse(request, "x.html", locals())


            def template(request):
                return loader.get_template("x.html").render(locals(), request)


            def legacy(request):
                return Context(locals())
        """,
    }, CODE)
    assert len(found) == 6
    assert "`profile` passes locals() to the template with `render`" in found[0].message


def test_explicit_contexts_and_other_locals_uses_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/views.py": """
            from django.shortcuts import render


            def profile(request):
                context = {"user": request.user}
                names = locals()
                print("%(context)s" % locals())
                return render(request, "profile.html", context)


            def ignored(request):
                return render(request, "x.html", locals())  # noqa: DJE413
        """,
    }, CODE)
