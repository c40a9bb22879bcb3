"""Downloads of the company list: the filters of the list page, the user's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse

from . import selectors
from .exporting import csv_stream, export_filename, xlsx_bytes
from .models import Company
from .perms import can_list_companies
from .views import _filters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _companies(request: HttpRequest) -> QuerySet[Company]:
    if not can_list_companies(request.user):
        raise Http404
    _form, filters = _filters(request)
    return selectors.company_filter(selectors.company_list(user=request.user), filters)


@login_required
def company_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_stream(_companies(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
    return response


@login_required
def company_export_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(_companies(request)), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename("xlsx")}"'
    return response
