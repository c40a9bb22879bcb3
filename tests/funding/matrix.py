"""Targets of the permission matrix for financing: objects of region A (own: company_a,
whose assigned expert is the cast's expert) or region B (foreign: company_b)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from essor.funding import services
from essor.funding.selectors import envelope_balances
from tests.conftest import Cast

from .helpers import EURO, file_request, plan_validated

QUOTE_NAME = "funding/quotes/permission-matrix.pdf"


def _company(cast: Cast, target: str) -> Any:
    return cast.company_a if target in ("own", "company_a") else cast.company_b


def funding_request(
    name: str = "pk", quote: bool = False
) -> Callable[[Cast, str, str], dict[str, Any]]:
    """A fresh draft request of the target firm (with a quote on its first cost line)."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        request = file_request(plan_validated(_company(cast, target)), submit=False)
        result: dict[str, Any] = {name: request.pk}
        if quote:
            line = request.lines.order_by("pk").first()
            assert line is not None
            if not default_storage.exists(QUOTE_NAME):  # written once, reused by every run
                default_storage.save(QUOTE_NAME, ContentFile(b"%PDF-1.4 matrix"))
            line.quote.name, line.quote_name = QUOTE_NAME, "devis.pdf"
            line.save(update_fields=["quote", "quote_name"])
            result["line_pk"] = line.pk
        return result

    return kwargs


def firm(name: str) -> Callable[[Cast, str, str], dict[str, Any]]:
    """The target firm, its action plan validated (so that it may file a request)."""

    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        return {name: plan_validated(_company(cast, target)).pk}

    return kwargs


def ledger_entry(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    """A fresh allocation entry on the target region's envelope."""
    region = cast.region_a if target == "own" else cast.region_b
    current = 0
    from essor.funding.models import Envelope

    envelope = Envelope.objects.filter(region=region).first()
    if envelope is not None:
        current = envelope_balances(envelope).allocated
    entry = services.envelope_set(
        region_id=region.pk, amount_cents=current + 1_000 * EURO, actor=None
    )
    assert entry is not None
    return {"pk": entry.pk}


def region(name: str) -> Callable[[Cast, str, str], dict[str, Any]]:
    def kwargs(cast: Cast, target: str, actor: str) -> dict[str, Any]:
        return {name: (cast.region_a if target == "own" else cast.region_b).code}

    return kwargs


def fmt(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    return {"fmt": "csv"}


def request_body(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    return {
        "title": "Matrice",
        "instrument": "grant",
        "amount_cents": 10_000 * EURO,
        "lines": [
            {"cost_type": "consulting", "description": "Étude", "amount_cents": 30_000 * EURO}
        ],
    }


def refusal_body(cast: Cast, target: str, actor: str) -> dict[str, Any]:
    return {"outcome": "refused", "reason": "matrice"}
