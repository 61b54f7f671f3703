from django.http import HttpResponse, JsonResponse

from .forms import SearchForm
from .services import (
    find_products,
    find_products_relayed,
    find_products_safely,
    go_to,
    go_to_checked,
    highlight,
    highlight_safely,
    read_config,
    read_config_safely,
    restore_cart,
    restore_cart_safely,
    thumbnail,
    thumbnail_safely,
)


def search_products(request):
    return JsonResponse({"names": find_products(request.GET["q"])})


def search_relayed(request):
    term = request.GET.get("q", "")
    return JsonResponse({"names": find_products_relayed(term)})


def search_with_form(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"names": []})
    return JsonResponse({"names": find_products(form.cleaned_data["q"])})


def search_safely(request):
    return JsonResponse({"names": find_products_safely(request.GET["q"])})


def search_constant(request):
    return JsonResponse({"names": find_products("Chair")})


def make_thumbnail(request):
    return JsonResponse({"code": thumbnail(request.GET["name"])})


def make_thumbnail_safely(request):
    return JsonResponse({"code": thumbnail_safely(request.GET["name"])})


def next_page(request):
    return go_to(request.GET["next"])


def next_page_checked(request):
    return go_to_checked(request.GET["next"], request.get_host())


def back_to_referer(request):
    return go_to(request.META.get("HTTP_REFERER", "/"))


def search_highlight(request):
    return HttpResponse(highlight(request.GET["q"]))


def search_highlight_safely(request):
    return HttpResponse(highlight_safely(request.GET["q"]))


def restore_saved_cart(request):
    return JsonResponse({"cart": restore_cart(request.body)})


def import_config(request):
    return JsonResponse({"config": read_config(request.FILES["config"])})


def restore_saved_cart_safely(request):
    return JsonResponse({"cart": restore_cart_safely(request.body)})


def import_config_safely(request):
    return JsonResponse({"config": read_config_safely(request.FILES["config"])})
