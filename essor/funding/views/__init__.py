"""Pages of financing. Every object comes through a scoped selector (404 outside scope);
every write goes through `essor.funding.services`."""

from .aids import company_aids, declared_aid_create
from .envelopes import (
    budget_edit,
    committee,
    consumption_export,
    entry_reverse,
    envelope_allocate,
    envelope_detail,
    overview,
)
from .requests import (
    payment_create,
    quote_download,
    request_close,
    request_create,
    request_decide,
    request_detail,
    request_edit,
    request_export,
    request_list,
    request_note,
    request_submit,
    request_withdraw,
)

__all__ = [
    "budget_edit",
    "committee",
    "company_aids",
    "consumption_export",
    "declared_aid_create",
    "entry_reverse",
    "envelope_allocate",
    "envelope_detail",
    "overview",
    "payment_create",
    "quote_download",
    "request_close",
    "request_create",
    "request_decide",
    "request_detail",
    "request_edit",
    "request_export",
    "request_list",
    "request_note",
    "request_submit",
    "request_withdraw",
]
