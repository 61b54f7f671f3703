from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE507"

MODELS = """
    from django.db import models


    class Ticket(models.Model):
        code = models.CharField(max_length=12)
        slug = models.SlugField()
        number = models.IntegerField(unique=True)
        ref = models.CharField(max_length=10)
        label = models.CharField(max_length=10)
        note = models.CharField(max_length=10)

        class Meta:
            indexes = [models.Index(fields=["ref", "label"])]
"""


def test_lookup_fields_without_an_index_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from django.views.generic import DetailView
        from rest_framework import generics, viewsets

        from app.models import Ticket


        class TicketViewSet(viewsets.ModelViewSet):
            queryset = Ticket.objects.all()
            lookup_field = "code"


        class TicketDetail(DetailView):
            model = Ticket
            slug_field = "code"


        class ByNote(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "note"
    """}, CODE)
    assert [f.message.split(" look")[0] for f in found] == ["`TicketViewSet`, `TicketDetail`", "`ByNote`"]
    assert "by `code`" in found[0].message and len(found[0].related) == 2


def test_indexed_fields_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from rest_framework import generics

        from app.models import Ticket


        class A(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "slug"


        class B(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "number"


        class C(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "ref"


        class D(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "pk"


        class E(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "label"  # second field of a composite index
    """}, CODE)


def test_fix_adds_db_index(tmp_path):
    check_fixed(tmp_path, {"app/models.py": """
        from django.db import models


        class Ticket(models.Model):
            code = models.CharField(max_length=12)
    """, "app/views.py": """
        from rest_framework import generics

        from app.models import Ticket


        class Detail(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "code"
    """}, CODE, {"app/models.py": """
        from django.db import models


        class Ticket(models.Model):
            code = models.CharField(max_length=12, db_index=True)
    """})


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": """
        from django.db import models


        class Ticket(models.Model):
            code = models.CharField(max_length=12)  # noqa: DJE507
    """, "app/views.py": """
        from rest_framework import generics

        from app.models import Ticket


        class Detail(generics.RetrieveAPIView):
            queryset = Ticket.objects.all()
            lookup_field = "code"
    """}, CODE)


def test_a_view_over_one_objects_related_rows_is_left_alone(tmp_path):
    """`order.payments.all()` (built in a multi-statement get_queryset): the foreign key's
    index narrows the lookup to one order's payments (found on pretix's PaymentViewSet)."""
    check_noop(tmp_path, {"app/models.py": """
        from django.db import models


        class Order(models.Model):
            code = models.CharField(max_length=12, unique=True)


        class Payment(models.Model):
            order = models.ForeignKey(Order, related_name="payments", on_delete=models.CASCADE)
            local_id = models.PositiveIntegerField()
    """, "app/views.py": """
        from django.shortcuts import get_object_or_404
        from rest_framework import viewsets

        from app.models import Order, Payment


        class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
            queryset = Payment.objects.none()
            lookup_field = "local_id"

            def get_queryset(self):
                order = get_object_or_404(Order, code=self.kwargs["order"])
                return order.payments.all()
    """}, CODE)
