from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WinbackConfig(AppConfig):
    name = "winback"
    verbose_name = _("Win-back")
