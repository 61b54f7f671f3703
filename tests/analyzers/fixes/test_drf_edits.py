"""The shared libcst edits of the DRF and form fixers keep the code's own layout."""

import textwrap

from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.drf_edits import (
    add_class_attribute,
    add_decorator_after,
    add_meta_dict_entry,
    add_to_meta_list,
    ensure_import,
    replace_meta_option,
)


def source(text: str) -> FixSource:
    return FixSource("x.py", textwrap.dedent(text).lstrip("\n"), None)


SERIALIZER = """
    class S:
        class Meta:
            exclude = ["a"]  # keep
            read_only_fields = [
                "id",
                "b",
            ]
            extra_kwargs = {"a": {}}
"""


def test_meta_option_renamed_in_place():
    new = replace_meta_option(source(SERIALIZER), "S", "exclude", "fields", '["x", "y"]')
    assert 'fields = ["x", "y"]  # keep' in new and "exclude" not in new


def test_lists_and_dicts_grow_in_their_own_layout():
    grown = add_to_meta_list(source(SERIALIZER), "S", "read_only_fields", "c")
    assert '            "b",\n            "c",\n        ]' in grown
    entry = add_meta_dict_entry(source(SERIALIZER), "S", "extra_kwargs", "password", '{"write_only": True}')
    assert 'extra_kwargs = {"a": {}, "password": {"write_only": True}}' in entry
    assert add_meta_dict_entry(source(SERIALIZER), "S", "extra_kwargs", "a", "{}") is None
    added = add_to_meta_list(source("class S:\n    class Meta:\n        pass\n"), "S", "read_only_fields", "c")
    assert added == 'class S:\n    class Meta:\n        read_only_fields = ["c"]\n'
    single = add_to_meta_list(source('class S:\n    class Meta:\n        read_only_fields = ()\n'), "S",
                              "read_only_fields", "c")
    assert 'read_only_fields = ("c",)' in single


def test_class_attribute_goes_after_the_leading_attributes():
    new = add_class_attribute(source("""
        class V(Base):
            '''Doc.'''
            queryset = Q

            def get(self):
                pass
    """), "V", "permission_classes = [P]\n")
    assert new == (
        "class V(Base):\n    '''Doc.'''\n    queryset = Q\n    permission_classes = [P]\n\n"
        "    def get(self):\n        pass\n"
    )


def test_decorator_below_api_view():
    function = source("@api_view(['GET'])\n@other\ndef f(request):\n    pass\n")
    new = add_decorator_after(function, "f", "api_view", "pc([P])")
    assert new.startswith("@api_view(['GET'])\n@pc([P])\n@other\n")


def test_ensure_import_reuses_what_the_file_imports():
    assert ensure_import("from a.b import c\n", "a.b", "c") == ("from a.b import c\n", "c")
    assert ensure_import("from a import b as m\n", "a.b", "c") == ("from a import b as m\n", "m.c")
    assert ensure_import("import a.b\n", "a.b", "c") == ("import a.b\n", "a.b.c")
    assert ensure_import("from a.b import d\n", "a.b", "c") == ("from a.b import d, c\n", "c")
    assert ensure_import('"""Doc."""\nx = 1\n', "a.b", "c")[0] == '"""Doc."""\nfrom a.b import c\nx = 1\n'
