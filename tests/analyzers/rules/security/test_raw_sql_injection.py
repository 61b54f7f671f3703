from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE407"


def test_sql_built_from_request_data_is_reported(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            from django.db import connection
            from django.db.models.expressions import RawSQL
            from django.views import View

            from app.models import Product


            def search(request):
                term = request.GET.get("q", "").strip()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id FROM product WHERE name = '%s'" % term)


            def by_slug(request, slug):
                return Product.objects.raw("SELECT * FROM product WHERE slug = '{}'".format(slug))


            def ordered(request):
                order = request.query_params["order"]
                sql = "SELECT * FROM product ORDER BY "
                sql += order
                return Product.objects.raw(sql)


            def annotated(request):
                return Product.objects.annotate(x=RawSQL(f"SELECT {request.POST['col']} FROM t", ()))


            def extra(request):
                return Product.objects.extra(where=["name = '%s'" % request.GET["name"]])


            class Detail(View):
                def get(self, request, pk):
                    cursor = connection.cursor()
                    cursor.execute(f"DELETE FROM product WHERE id = {pk}")
        """,
    }, CODE)
    assert len(found) == 6
    assert "SQL passed to `execute` is built from request data in `search`" in found[0].message


def test_constants_internal_values_and_parameters_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/views.py": """
            from django.db import connection

            from app.models import Product

            TIMEOUT = 5


            def table_stats(model):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT reltuples FROM pg_class WHERE relname = '%s'" % model._meta.db_table)
                    cursor.execute(f"SET LOCAL lock_timeout = '{TIMEOUT}s'")


            def search(request):
                term = request.GET["q"]
                with connection.cursor() as cursor:
                    cursor.execute("SELECT id FROM product WHERE name = %s", [term])
                    cursor.execute(f"SELECT id FROM product LIMIT {int(request.GET['n'])}")
                    cursor.execute("SELECT id FROM product WHERE name = '%s'" % term)  # noqa: DJE407
                return Product.objects.raw("SELECT * FROM product WHERE id = %s", [request.GET["id"]])


            def graph(request):
                client.execute(f"{{ product(id: {request.GET['id']}) }}")


            def helper(request_data):
                connection.cursor().execute(f"SELECT {request_data} FROM x")
        """,
    }, CODE)


def test_fix_moves_fstring_values_into_parameters(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from django.db import connection


            def search(request):
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT id FROM t WHERE name = '{request.GET['q']}' AND pct > 5%")
        """,
    }, CODE, {"app/views.py": """
        from django.db import connection


        def search(request):
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM t WHERE name = %s AND pct > 5%%", [request.GET['q']])
    """})


def test_fix_turns_percent_formatting_into_parameters(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from app.models import Product


            def search(request, slug):
                return Product.objects.raw('SELECT * FROM p WHERE slug = %s AND kind = %s' % (slug, request.GET["k"]))
        """,
    }, CODE, {"app/views.py": """
        from app.models import Product


        def search(request, slug):
            return Product.objects.raw('SELECT * FROM p WHERE slug = %s AND kind = %s', [slug, request.GET["k"]])
    """})


def test_no_fix_inside_a_longer_quoted_literal(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            from django.db import connection


            def search(request):
                connection.cursor().execute(f"SELECT id FROM t WHERE name LIKE '%{request.GET['q']}%'")
        """,
    }, CODE)
    assert len(found) == 1 and found[0].fix_title == ""
