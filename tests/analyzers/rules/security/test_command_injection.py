from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE411"


def test_commands_built_from_request_data_are_reported(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            import os
            import subprocess
            from subprocess import Popen as P

            from django.views import View


            def thumbnail(request):
                name = request.GET["file"]
                subprocess.run(f"convert {name} thumb.png", shell=True)
                os.system("ls " + request.POST.get("dir", "."))


            class Ping(View):
                def get(self, request, host):
                    command = "ping -c 1 %s" % host
                    return P(command, shell=True)


            def program(request):
                return subprocess.check_output([request.GET["tool"], "--version"])


            def piped(request):
                return os.popen("grep {} log".format(request.GET["q"])).read()
        """,
    }, CODE)
    assert len(found) == 5
    assert "`subprocess.run` runs a command built from request data in `thumbnail`" in found[0].message


def test_constant_quoted_and_argument_list_commands_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/views.py": """
            import os
            import shlex
            import subprocess

            from django.conf import settings


            def backup(path):
                os.system(f"pg_dump {settings.DB_NAME} > {path}")
                subprocess.run("ls -l", shell=True)


            def thumbnail(request):
                name = request.GET["file"]
                subprocess.run(["convert", name, "thumb.png"])
                subprocess.run(f"convert {shlex.quote(name)} thumb.png", shell=True)
                subprocess.run(f"convert {name}", shell=False)
                os.system(f"convert {name}")  # noqa: DJE411
        """,
    }, CODE)
