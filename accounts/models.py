from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.access import user_access
from accounts.roles import Role
from core.names import person_name


class Team(models.Model):
    """A team on the floor, led by a supervisor (팀장); dashboards filter by it."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
        verbose_name=_("team lead"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A desk user. Roles are Groups (see `accounts.roles`); the language is the user's own."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ko"
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=40,
        default="Asia/Seoul",
        help_text=_("Dates and times are shown in this zone."),
    )
    phone_extension = models.CharField(
        _("phone extension"),
        max_length=20,
        blank=True,
        help_text=_("The extension the telephone system names this agent by, if any."),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone_extension"],
                condition=~models.Q(phone_extension=""),
                name="user_phone_extension_once",
            )
        ]

    def get_full_name(self) -> str:
        """The name as it reads (accounts.names): 김지은, Jane Park."""
        return person_name(self.first_name, self.last_name)

    @property
    def display_name(self) -> str:
        """The name shown wherever this person appears; the username if they have none."""
        return person_name(self.first_name, self.last_name, fallback=self.username)

    def has_role(self, role: Role | str) -> bool:
        if self.is_superuser:
            return True
        return str(role) in user_access(self).roles
