from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CancellationsConfig(AppConfig):
    name = "cancellations"
    verbose_name = _("Cancellations")
