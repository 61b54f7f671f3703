"""Fields a `save()` sets only on a new row (`facts/creation_only.py`)."""

import ast
import textwrap

from django_expert.analyzers.facts.creation_only import creation_only


def _created(source: str) -> tuple[str, ...]:
    return creation_only(ast.parse(textwrap.dedent(source)).body[0])


def test_plane_base_model_sets_the_creator_on_new_rows_only():
    assert _created("""
        def save(self, *args, created_by_id=None, disable_auto_set_user=False, **kwargs):
            if not disable_auto_set_user:
                if created_by_id:
                    self.created_by_id = created_by_id
                else:
                    user = get_current_user()
                    if user is None or user.is_anonymous:
                        self.created_by = None
                        self.updated_by = None
                    else:
                        if self._state.adding:
                            self.created_by = user
                            self.updated_by = None
                        else:
                            self.updated_by = user
            super().save(*args, **kwargs)
    """) == ("created_by",)


def test_other_guards_and_assignments_on_every_save():
    assert _created("""
        def save(self):
            if self.pk is None:
                self.owner_id = current()
            if not self.pk:
                self.author = current()
            if self._state.adding is False:
                self.editor = current()
            self.stamp = current()
            if self._state.adding:
                self.stamp = current()
    """) == ("author", "owner")
