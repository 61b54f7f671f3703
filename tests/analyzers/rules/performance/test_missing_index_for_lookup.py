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


HOT_MODELS = """
    from django.db import models


    class Event(models.Model):
        slug = models.SlugField()


    class Ticket(models.Model):
        event = models.ForeignKey(Event, on_delete=models.CASCADE)
        code = models.CharField(max_length=12)
        secret = models.CharField(max_length=32)
        email = models.CharField(max_length=100)
        barcode = models.CharField(max_length=40)
        number = models.IntegerField(unique=True)
        state = models.CharField(max_length=1, choices=[("p", "paid"), ("n", "new")])
        active = models.BooleanField(default=True)
        note = models.CharField(max_length=100)
"""


def test_fields_filtered_on_per_request_signal_or_row_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": HOT_MODELS, "app/services.py": """
        from app.models import Ticket


        def find_ticket(code):
            return Ticket.objects.get(code=code)


        def audit(text):
            return Ticket.objects.filter(note=text).exists()
    """, "app/views.py": """
        from django.http import JsonResponse
        from django.shortcuts import get_object_or_404

        from app.models import Ticket
        from app.services import find_ticket


        def ticket(request, code):
            return JsonResponse({"id": find_ticket(code).pk})


        def by_secret(request, secret):
            return JsonResponse({"id": get_object_or_404(Ticket, secret=secret).pk})
    """, "app/signals.py": """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        from app.models import Ticket


        @receiver(post_save, sender=Ticket)
        def dedupe(sender, instance, **kwargs):
            if Ticket.objects.filter(email=instance.email).exclude(pk=instance.pk).exists():
                instance.note = "duplicate"
    """, "app/management/commands/scan.py": """
        from django.core.management.base import BaseCommand

        from app.models import Ticket


        class Command(BaseCommand):
            def handle(self, *args, **options):
                for line in open(options["file"]):
                    Ticket.objects.filter(barcode=line.strip()).update(note="scanned")
    """}, CODE)
    messages = {f.message.split(" rows up by ")[1].split("`")[1]: f.message for f in found}
    assert set(messages) == {"code", "secret", "email", "barcode"}
    assert messages["code"].startswith("`find_ticket()` looks `Ticket` rows up by `code` on every request")
    assert "on every signal it receives" in messages["email"]
    assert messages["barcode"].startswith("`Command.handle()` looks") and "once per row of a command's loop" in \
        messages["barcode"]
    assert all(f.related and f.fix_title for f in found)


def test_indexed_narrowed_few_valued_or_cold_lookups_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": HOT_MODELS, "app/views.py": """
        from django.db.models import Q
        from django.http import JsonResponse

        from app.models import Ticket


        def indexed(request, number, slug):
            return JsonResponse({"a": Ticket.objects.get(number=number).pk,
                                 "b": Ticket.objects.filter(event__slug=slug).count()})


        def narrowed(request, event, code):  # the event's foreign key index narrows it
            return JsonResponse({"id": Ticket.objects.filter(event=event).get(code=code).pk})


        def few_values(request):
            return JsonResponse({"n": Ticket.objects.filter(state="p", active=True).count()})


        def not_a_view(code):  # nothing calls it per request
            return Ticket.objects.get(code=code)


        def set_wide(request, code):  # one filter over many rows, not a row looked up
            return JsonResponse({"n": Ticket.objects.filter(barcode=code).update(note="")})


        def spelled_elsewhere(request, code, field, pk):  # saleor's thumbnails: `**{field + "_id": pk}`
            return JsonResponse({"a": Ticket.objects.filter(code=code, **{field: pk}).first().pk,
                                 "b": Ticket.objects.filter(Q(event=pk), code=code).exists()})
    """, "app/management/commands/once.py": """
        from django.core.management.base import BaseCommand

        from app.models import Ticket


        class Command(BaseCommand):
            def handle(self, *args, **options):
                Ticket.objects.filter(note=options["note"]).delete()  # once per run
    """, "app/tests/test_views.py": """
        from app.models import Ticket


        def test_secret(request):
            Ticket.objects.get(secret="x")
    """}, CODE)


def test_the_message_names_the_hottest_path_first(tmp_path):
    found = findings(tmp_path, {"app/models.py": HOT_MODELS, "app/services.py": """
        from app.models import Ticket


        def by_code(code):
            return Ticket.objects.filter(code=code).first()
    """, "app/management/commands/scan.py": """
        from django.core.management.base import BaseCommand

        from app.models import Ticket


        class Command(BaseCommand):
            def handle(self, *args, **options):
                for code in options["codes"]:
                    Ticket.objects.get(code=code)
    """, "app/views.py": """
        from django.http import JsonResponse

        from app.services import by_code


        def ticket(request, code):
            return JsonResponse({"found": by_code(code) is not None})
    """}, CODE)
    assert [f.message.split(", but")[0] for f in found] == [
        "`by_code()`, `Command.handle()` look `Ticket` rows up by `code` on every request"]


def test_editing_a_services_lookup_rechecks_the_models_file(tmp_path):
    from django_expert.analyzers.engine import Engine

    from tests.analyzers.rules.helpers import write_project

    root = write_project(tmp_path / "project", {"app/models.py": HOT_MODELS, "app/services.py": """
        from app.models import Ticket


        def find(value):
            return Ticket.objects.get(number=value)
    """, "app/views.py": """
        from django.http import JsonResponse

        from app.services import find


        def ticket(request, value):
            return JsonResponse({"id": find(value).pk})
    """, "app/other.py": """
        def unrelated():
            return 1
    """})
    engine = Engine([root], use_cache=False)
    engine.index()
    engine.all_findings()
    models, services = root / "app/models.py", root / "app/services.py"
    assert [f.code for f in engine.findings(models) if f.code == CODE] == []
    text = services.read_text().replace("number=value", "code=value")  # an open document's text, not saved
    stale = engine.update(services, text)
    assert stale == {services, models, root / "app/views.py"}  # the summary changed: its caller too
    assert [f.message.split(" on ")[0] for f in engine.findings(models) if f.code == CODE] == [
        "`find()` looks `Ticket` rows up by `code`"]
    engine.all_findings()
    edited = text.replace("    return Ticket", '    """The ticket."""\n    return Ticket')
    assert engine.update(services, edited) == {services}, "a body edit that keeps the summary re-checks nothing else"
