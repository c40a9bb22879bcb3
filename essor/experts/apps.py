from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "essor.experts"
    label = "experts"
    verbose_name = _("Referenced experts and missions")
