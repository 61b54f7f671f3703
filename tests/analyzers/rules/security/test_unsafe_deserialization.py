from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE410"


def test_unsafe_loads_are_reported(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            import base64
            import pickle
            import yaml
            from yaml import Loader

            CONFIG = yaml.load(open("config.yml"))


            def import_config(request):
                config = yaml.load(request.FILES["config"].read(), Loader=Loader)
                docs = list(yaml.load_all(request.body, yaml.FullLoader))
                state = pickle.loads(base64.b64decode(request.COOKIES["state"]))
                return config, docs, state


            def restore(request):
                import marshal as m

                blob = request.body
                return m.loads(blob)
        """,
    }, CODE)
    messages = [f.message for f in found]
    assert len(found) == 5
    assert "`yaml.load` without a safe loader in the module" in messages[0]
    assert "`yaml.load` with Loader in `import_config`" in messages[1]
    assert "`pickle.loads` loads data from the request in `import_config`" in messages[3]
    assert "`marshal.loads` loads data from the request in `restore`" in messages[4]


def test_safe_loaders_and_trusted_pickles_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/views.py": """
            import pickle
            import yaml
            from django.core.cache import cache

            from app.yaml_loader import ProjectLoader


            def read(request, path):
                yaml.safe_load(request.body)
                yaml.load(request.body, Loader=yaml.SafeLoader)
                yaml.load(request.body, yaml.CSafeLoader)
                yaml.load(request.body, Loader=ProjectLoader)
                pickle.loads(cache.get("key"))
                pickle.loads(pickle.dumps({"a": 1}))
                with open(path, "rb") as handle:
                    pickle.load(handle)
                yaml.load(request.body)  # noqa: DJE410


            def parse(document):
                return pickle.loads(document)
        """,
    }, CODE)


def test_fix_uses_safe_load(tmp_path):
    check_fixed(tmp_path, {
        "app/config.py": """
            import yaml


            def load(path):
                with open(path) as handle:
                    return yaml.load(handle, Loader=yaml.Loader)
        """,
    }, CODE, {"app/config.py": """
        import yaml


        def load(path):
            with open(path) as handle:
                return yaml.safe_load(handle)
    """})


SERVICES = """
    import json
    import pickle

    import yaml


    def restore(blob):
        return pickle.loads(blob)


    def restore_relayed(blob):
        return restore(blob.strip())


    def read_config(upload):
        return yaml.load(upload.read(), Loader=yaml.Loader)


    def read_config_safely(upload):
        return yaml.load(upload.read(), Loader=yaml.SafeLoader)


    def parse(blob):
        return json.loads(blob)


    def restore_snapshot(name):
        with open("snapshots/latest.pickle", "rb") as f:
            return name, pickle.load(f)
"""


def test_request_data_deserialised_by_a_helper_is_reported_at_the_call(tmp_path):
    found = findings(tmp_path, {"manage.py": "", "app/services.py": SERVICES, "app/views.py": """
        from app.services import read_config, restore, restore_relayed


        def cart(request):
            return restore(request.body)


        def relayed(request):
            data = request.COOKIES["cart"]
            return restore_relayed(data)


        def config(request):
            return read_config(request.FILES["config"])
    """}, CODE)
    across = [f for f in found if "passed to" in f.message]
    assert [(f.path.rpartition("/")[2], f.span.start.line + 1) for f in across] == [
        ("views.py", 5), ("views.py", 10), ("views.py", 14)]
    assert "request data passed to `restore()` in `cart` is deserialised" in across[0].message
    assert "in `restore()` (app/services.py:7)" in across[0].message and across[0].related
    assert "in `restore()`" in across[1].message  # two calls deep: named where it loads


def test_helpers_given_trusted_data_or_loading_safely_stay_silent(tmp_path):
    found = findings(tmp_path, {"manage.py": "", "app/services.py": SERVICES, "app/views.py": """
        from app.services import parse, read_config_safely, restore, restore_snapshot


        def cart(request):
            return parse(request.body)


        def config(request):
            return read_config_safely(request.FILES["config"])


        def snapshot(request):
            return restore_snapshot(request.GET["name"])


        def constant(request):
            return restore(b"trusted")
    """}, CODE)
    assert [f for f in found if f.path.endswith("views.py")] == []
