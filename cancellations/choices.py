from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class RequestState(TextChoices):
    OPENED = "opened", _("Identifying the reason")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    FINANCIAL_BURDEN = "financial_burden", _("Financial burden")
    CONTRACT_CHANGE = "contract_change", _("Contract change")
    COMPETITOR = "competitor", _("Competitor")
    OFFER_PRESENTED = "offer_presented", _("Offer presented")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    CANCELLING = "cancelling", _("Cancelling")
    CALLBACK_SCHEDULED = "callback_scheduled", _("Callback scheduled")
    RETAINED = "retained", _("Retained")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PresentationAnswer(TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a supervisor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    APPROVAL_DENIED = "approval_denied", _("Denied by a supervisor")
    APPROVAL_WITHDRAWN = "approval_withdrawn", _("Approval request withdrawn")
    ABANDONED = "abandoned", _("Left unanswered")
