from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "essor.funding"
    label = "funding"
    verbose_name = _("Financing")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .services import instruments_ensure

        # The shipped instrument rules exist from the first migration on (never overwritten).
        post_migrate.connect(instruments_ensure, sender=self)
