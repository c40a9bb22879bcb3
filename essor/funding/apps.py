from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "essor.funding"
    label = "funding"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from essor.companies.journey import register_guard

        from .services import financing_request_guard, instruments_ensure

        # design.md §3: no funding request without a validated action plan.
        register_guard("request_financing", financing_request_guard)
        # The shipped instrument rules exist from the first migration on (never overwritten).
        post_migrate.connect(instruments_ensure, sender=self)
