from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .home import actions_for, role_labels


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(
        request,
        "core/home.html",
        {"actions": actions_for(request.user), "role_labels": role_labels(request.user)},
    )
