from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, with the state before and after.

    Append-only: events are written by `essor.core.services.audit_record` and never
    edited. `actor_label` keeps a readable name even once a person's account is erased.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=200)
    verb = models.CharField(_("verb"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    region_code = models.CharField(_("region"), max_length=3, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        """The actor as shown on a timeline: the platform itself is named in the reader's
        language; a person by the name recorded."""
        from .services import SYSTEM_ACTOR_LABEL

        if self.actor_id is None and self.actor_label == SYSTEM_ACTOR_LABEL:
            return str(_("the platform"))
        # The name only: the e-mail address kept in the label is for the back office.
        return self.actor_label.split(" <", 1)[0]
