"""What the financing pages share: exports and amounts shown in form fields."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone

from .. import exporting

EXPORT_FORMATS = ("csv", "xlsx")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(name: str, fmt: str, headers: list[str], rows: Any) -> HttpResponseBase:
    filename = f"{name}-{timezone.localdate().isoformat()}.{fmt}"
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporting.csv_stream(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(exporting.xlsx_bytes(name, headers, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
