from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "essor.followup"
    label = "followup"
    verbose_name = _("Follow-up and impact")

    def ready(self) -> None:
        from essor.companies.journey import register_effect

        from .services import followup_on_support_end

        register_effect("start_follow_up", followup_on_support_end)
