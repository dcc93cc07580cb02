from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class WinBackTier(TextChoices):
    TOP = "top", _("Top: supervisor or executive calls")
    MIDDLE = "middle", _("Middle: retention specialist calls")
    REST = "rest", _("Not called")


class WinBackOutcome(TextChoices):
    PENDING = "pending", _("Not called yet")
    NOT_CALLED = "not_called", _("Not called (below the call tiers)")
    WON_BACK = "won_back", _("Won back")
    DECLINED = "declined", _("Declined")
    UNREACHABLE = "unreachable", _("Unreachable")
