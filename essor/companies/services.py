"""Writes for companies, establishments and contacts (every change audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from essor.core import naf
from essor.core.services import audit_record
from essor.territories.models import Department

from . import validation as v
from .models import Company, Contact, Establishment
from .rules import CompanyFacts, eligibility_reasons, size_class

REASON_LABELS: dict[str, str | Promise] = {
    "size_unknown": _("headcount or financial figures missing, so the size class is unknown"),
    "size_class": _("its size class is not one the programme supports"),
    "naf": _("its activity (NAF code) is outside the programme's sectors"),
    "region": _("its region has no active regional platform"),
}

COMPANY_FIELDS = (
    "siren",
    "name",
    "naf_code",
    "department",
    "headcount",
    "turnover",
    "balance_sheet",
    "group_name",
)


@dataclass
class CompanyData:
    """Validated company fields, ready to write."""

    siren: str
    name: str
    naf_code: str
    department_code: str
    headcount: int | None = None
    turnover_cents: int | None = None
    balance_sheet_cents: int | None = None
    group_name: str = ""


def company_data_clean(raw: dict[str, Any]) -> tuple[CompanyData | None, dict[str, str]]:
    """Check raw company fields; returns the data or the error of each bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    checks = (
        ("siren", v.clean_siren),
        ("name", v.clean_name),
        ("naf_code", v.clean_naf),
        ("department", v.clean_department),
        ("headcount", v.clean_count),
        ("turnover", v.clean_euros),
        ("balance_sheet", v.clean_euros),
    )
    for field, check in checks:
        try:
            values[field] = check(raw.get(field))
        except v.FieldError as exc:
            errors[field] = str(exc)
    if errors:
        return None, errors
    return (
        CompanyData(
            siren=values["siren"],
            name=values["name"],
            naf_code=values["naf_code"].code,
            department_code=values["department"].code,
            headcount=values["headcount"],
            turnover_cents=values["turnover"],
            balance_sheet_cents=values["balance_sheet"],
            group_name=" ".join(str(raw.get("group_name") or "").split())[:200],
        ),
        {},
    )


def company_fields(data: CompanyData, department: Department) -> dict[str, Any]:
    """The stored fields of a company with this data: the typed ones and those derived from
    them (region from the department, NAF division and section, size class of décret
    2008-1354). The one place they are computed, for the form, the API and imports.

    `department` must come with its region loaded (`select_related("region")`).
    """

    klass = size_class(
        headcount=data.headcount,
        turnover_cents=data.turnover_cents,
        balance_sheet_cents=data.balance_sheet_cents,
    )
    return {
        "siren": data.siren,
        "name": data.name,
        "naf_code": data.naf_code,
        "naf_division": data.naf_code[:2],
        "naf_section": naf.lookup(data.naf_code).section_code,
        "department": department,
        "region": department.region,
        "headcount": data.headcount,
        "turnover_cents": data.turnover_cents,
        "balance_sheet_cents": data.balance_sheet_cents,
        "group_name": data.group_name,
        "size_class": klass.value if klass else "",
    }


def _apply(
    company: Company, data: CompanyData, departments: dict[str, Department] | None = None
) -> None:
    department = (
        departments[data.department_code]
        if departments is not None
        else Department.objects.select_related("region").get(code=data.department_code)
    )
    for name, value in company_fields(data, department).items():
        setattr(company, name, value)


def company_snapshot(company: Company) -> dict[str, Any]:
    """The fields an audit event records before and after a change of the record."""
    return {
        "siren": company.siren,
        "name": company.name,
        "naf_code": company.naf_code,
        "department": company.department.code if company.department_id else None,
        "headcount": company.headcount,
        "turnover_cents": company.turnover_cents,
        "balance_sheet_cents": company.balance_sheet_cents,
        "size_class": company.size_class,
        "group_name": company.group_name,
    }


@transaction.atomic
def company_save(
    *, data: CompanyData, actor: Any, company: Company | None = None
) -> tuple[Company, bool]:
    """Create the company, or update the one with this SIREN. Returns (company, created)."""
    if company is None:
        company = Company.objects.filter(siren=data.siren).first()
    created = company is None
    if company is None:
        company = Company()
    before = None if created else company_snapshot(company)
    _apply(company, data)
    company.save()
    after = company_snapshot(company)
    if created or before != after:
        audit_record(
            actor=actor,
            verb="company.create" if created else "company.update",
            obj=company,
            before=before,
            after=after,
            region_code=company.region.code,
        )
    return company, created


def company_eligibility(company: Company) -> list[str]:
    """Why the firm is not eligible, in words (empty list: eligible)."""
    from essor.dashboard.selectors import eligibility_policy

    facts = CompanyFacts(
        size_class=company.size_class or None,
        naf_section=company.naf_section,
        naf_division=company.naf_division,
        region_code=company.region.code,
    )
    return [str(REASON_LABELS[code]) for code in eligibility_reasons(facts, eligibility_policy())]


@transaction.atomic
def establishment_add(
    *, company: Company, siret: str, actor: Any, name: str = "", address: str = "",
    department_code: str | None = None, is_head_office: bool = False,
) -> Establishment:  # fmt: skip
    clean = v.clean_siret(siret, company.siren)
    department = (
        Department.objects.get(code=v.clean_department(department_code).code)
        if department_code
        else company.department
    )
    establishment = Establishment.objects.create(
        company=company,
        siret=clean,
        name=name,
        address=address,
        department=department,
        is_head_office=is_head_office,
    )
    audit_record(
        actor=actor,
        verb="establishment.add",
        obj=establishment,
        after={"siret": clean},
        region_code=company.region.code,
    )
    return establishment


@transaction.atomic
def contact_add(
    *, company: Company, actor: Any, first_name: str, last_name: str, job_title: str = "",
    email: str = "", phone: str = "", consent: bool = False,
) -> Contact:  # fmt: skip
    contact = Contact.objects.create(
        company=company,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        consent_at=timezone.now() if consent else None,
    )
    audit_record(
        actor=actor,
        verb="contact.add",
        obj=contact,
        after={"consent": consent},
        region_code=company.region.code,
    )
    return contact


def contact_export(contact: Contact) -> dict[str, Any]:
    """Everything held about a person, for a right-of-access request (RGPD art. 15)."""
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "job_title": contact.job_title,
        "email": contact.email,
        "phone": contact.phone,
        "company": {"siren": contact.company.siren, "name": contact.company.name},
        "consent_at": contact.consent_at.isoformat() if contact.consent_at else None,
    }


@transaction.atomic
def contact_erase(*, contact: Contact, actor: Any, reason: str = "") -> Contact:
    """Erase a person's data (RGPD art. 17) while keeping the row, so counts stay true."""
    contact.first_name = ""
    contact.last_name = str(_("(erased)"))
    contact.job_title = ""
    contact.email = ""
    contact.phone = ""
    contact.erased_at = timezone.now()
    contact.save()
    audit_record(
        actor=actor, verb="contact.erase", obj=contact, reason=reason,
        region_code=contact.company.region.code,
    )  # fmt: skip
    return contact
