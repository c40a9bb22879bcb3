from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "essor.diagnostics"
    label = "diagnostics"
    verbose_name = _("Diagnostics")

    def ready(self) -> None:
        from essor.companies.journey import register_guard

        from . import peers  # noqa: F401  (connects the post_delete handler)
        from .services import plan_needs_validated_diagnostic

        # design.md §3: no action plan without the diagnostic it is built on.
        register_guard("validate_plan", plan_needs_validated_diagnostic)
