from django.db import models
from django.utils.translation import gettext_lazy as _


class DiagnosticKind(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    EXPERT = "expert", _("Expert diagnostic")


class Phase(models.TextChoices):
    """Before support (T0) and after it (T1), compared by docs/methodology.md §8."""

    T0 = "t0", _("T0 (before support)")
    T1 = "t1", _("T1 (after support)")


class DiagnosticStatus(models.TextChoices):
    """The diagnostic workflow (`essor.diagnostics.workflow`)."""

    DRAFT = "draft", _("Being answered")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")


# The status at which each kind of diagnostic is complete (counts in benchmarks and reports):
# the one definition (`peers.COMPLETE`, `DiagnosticQuerySet.complete`, `peers_refresh`).
COMPLETE_STATUS: dict[str, str] = {
    DiagnosticKind.EXPERT.value: DiagnosticStatus.VALIDATED.value,
    DiagnosticKind.SELF_ASSESSMENT.value: DiagnosticStatus.SUBMITTED.value,
}


class HeadcountClass(models.TextChoices):
    """The size classes of the peer benchmark, by headcount (docs/methodology.md §7).

    Not the company's legal category (`SizeClass`, décret 2008-1354): the benchmark compares
    firms of similar headcount whatever their turnover.
    """

    H1_9 = "1-9", _("1–9 employees")
    H10_49 = "10-49", _("10–49 employees")
    H50_249 = "50-249", _("50–249 employees")
    H250_4999 = "250-4999", _("250–4,999 employees")
    H5000 = "5000+", _("5,000 employees and more")


def headcount_class(headcount: int | None) -> str:
    """The benchmark size class of a headcount; "" when it is unknown (or zero)."""
    if not headcount or headcount < 1:
        return ""
    for limit, klass in (
        (10, HeadcountClass.H1_9),
        (50, HeadcountClass.H10_49),
        (250, HeadcountClass.H50_249),
        (5_000, HeadcountClass.H250_4999),
    ):
        if headcount < limit:
            return klass.value
    return HeadcountClass.H5000.value


class ContactRequestStatus(models.TextChoices):
    """A visitor's request naming a firm already followed (`models.ContactRequest`)."""

    PENDING = "pending", _("To confirm")
    ATTACHED = "attached", _("Attached to the firm")
    DISMISSED = "dismissed", _("Dismissed")
