from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InstrumentKind(models.TextChoices):
    """The three financing instruments of the programme."""

    GRANT = "grant", _("Grant")
    REPAYABLE_ADVANCE = "repayable_advance", _("Repayable advance")
    ZERO_RATE_LOAN = "zero_rate_loan", _("Zero-rate loan")


class CostType(models.TextChoices):
    """Kinds of project costs a funding request lists; each instrument says which it covers."""

    EQUIPMENT = "equipment", _("Production equipment and machines")
    DIGITAL = "digital", _("Software and digital systems")
    INTEGRATION = "integration", _("Engineering and integration")
    CONSULTING = "consulting", _("External consulting")
    TRAINING = "training", _("Training")
    WORKS = "works", _("Building works")


class RequestStatus(models.TextChoices):
    """A funding request's life (`essor.funding.workflow`)."""

    DRAFT = "draft", pgettext_lazy("funding request", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("funding request", "Submitted")
    GRANTED = "granted", pgettext_lazy("funding request", "Granted")
    REFUSED = "refused", pgettext_lazy("funding request", "Refused")
    CLOSED = "closed", pgettext_lazy("funding request", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("funding request", "Withdrawn")


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", pgettext_lazy("funding decision", "Granted")
    REFUSED = "refused", pgettext_lazy("funding decision", "Refused")


class EntryKind(models.TextChoices):
    """What a ledger entry records."""

    ALLOCATION = "allocation", _("Allocation")
    COMMITMENT = "commitment", _("Commitment")
    PAYMENT = "payment", _("Payment")
    RELEASE = "release", _("Release")
    REVERSAL = "reversal", _("Reversal")


class Account(models.TextChoices):
    """The balance a ledger entry moves. A reversal moves the account of the entry it reverses."""

    ALLOCATED = "allocated", _("Allocated")
    COMMITTED = "committed", _("Committed")
    PAID = "paid", _("Paid")
    RELEASED = "released", _("Released")


class PaymentBasis(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    INVOICE = "invoice", _("Invoice")


class AidRegime(models.TextChoices):
    """The legal basis of an aid a firm declares from outside the programme."""

    DE_MINIMIS = "de_minimis", _("De minimis (counts towards the ceiling)")
    OTHER = "other", _("Other regime (GBER, notified scheme…)")
