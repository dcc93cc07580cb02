from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A create sent with a one-time key that the form carried. The key is stored in the same
    transaction as the row it created, so the same key sent again (a double click, a retry,
    twenty identical posts at once) returns that row instead of making another."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.UUIDField(_("key"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_id = models.BigIntegerField(_("created"), null=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="submission_once"),
        ]
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
