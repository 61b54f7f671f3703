from django.http import JsonResponse

from issues.models import Finding


def findings(request):
    rows = [{"title": f.title, "product": f.product.name} for f in Finding.objects.all()]
    return JsonResponse({"findings": rows})
