"""What a handler hands the request's body to (`facts/request_input.py`)."""

import ast
import textwrap

from django_expert.analyzers.facts.request_input import fed_request_data
from django_expert.analyzers.facts.values import dotted_name


def _fed(source: str) -> tuple[str, ...]:
    return fed_request_data(ast.parse(textwrap.dedent(source)).body[0], dotted_name)


def test_the_shapes_of_the_body_and_the_fields_saved():
    assert _fed("""
        def partial_update(self, request, slug, pk):
            serializer = ProjectSerializer(project, data={**request.data, "intake_view": view}, partial=True)
            serializer.save(workspace_id=workspace.id, project=project)
            payload = request.data.copy()
            Other(data=payload).save()
            Third(instance, self.request.POST)
            Rendered(project)
            Picked(data={"name": request.data.get("name")})
    """) == ("Other|", "ProjectSerializer|project,workspace|update", "Third||update")


def test_save_with_unpacked_keywords_is_unknown():
    assert _fed("""
        def post(self, request):
            s = Board(data=request.data)
            s.save(**extra)
    """) == ("Board|*",)
