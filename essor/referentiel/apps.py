from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferentielConfig(AppConfig):
    """Stored référentiel versions; the pure core of the package needs no app registry."""

    name = "essor.referentiel"
    label = "referentiel"
    verbose_name = _("Référentiels")
