from django.http import JsonResponse


def me(request):
    return JsonResponse({"user": request.user.get_username()})
