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
