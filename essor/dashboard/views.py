from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from essor.accounts.perms import can_view_programme

from .selectors import programme_progress


@login_required
def programme(request: HttpRequest) -> HttpResponse:
    if not can_view_programme(request.user):
        raise Http404
    programme, rows = programme_progress(user=request.user)
    return render(request, "dashboard/programme.html", {"programme": programme, "rows": rows})
