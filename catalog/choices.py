from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ReasonCategory(TextChoices):
    """The top of the reason taxonomy; each category is a branch of the logic tree."""

    DISSATISFACTION = "dissatisfaction", _("Dissatisfaction")
    FINANCIAL = "financial", _("Financial burden")
    CONTRACT_CHANGE = "contract_change", _("Contract change")
    COMPETITOR = "competitor", _("Competitor")
    UNAVOIDABLE = "unavoidable", _("Unavoidable")


class OfferKind(TextChoices):
    DISCOUNT_PERCENT = "discount_percent", _("Discount (%)")
    FEE_ADJUSTMENT = "fee_adjustment", _("Fee adjustment")
    FREE_MONTHS = "free_months", _("Free months")
    PRODUCT_CHANGE = "product_change", _("Product change / downgrade")
    CONTRACT_CHANGE = "contract_change", _("Contract change")
    PAUSE = "pause", _("Pause")
    SERVICE_IMPROVEMENT = "service_improvement", _("Service improvement")
    COMPETITOR_MATCH = "competitor_match", _("Competitor-match benefit")
    GIFT = "gift", _("Gift / compensation")
