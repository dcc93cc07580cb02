from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class EventType(TextChoices):
    """What the desk tells other systems. The value is the `type` of the JSON body."""

    CONTRACT_AMENDED = "contract.amended", _("Contract amended")
    CANCELLATION_RETAINED = "cancellation.retained", _("Cancellation call: customer retained")
    CANCELLATION_CANCELLED = "cancellation.cancelled", _("Cancellation confirmed")
    CLAIM_CLOSED = "claim.closed", _("Claim closed")
    COMPENSATION_APPROVED = "compensation.approved", _("Compensation approved")
    CALL_DIAL_REQUESTED = "call.dial_requested", _("Call dial requested")
    CALL_COMPLETED = "call.completed", _("Call completed")
    WINBACK_WON = "winback.won", _("Customer won back")
    CUSTOMER_DO_NOT_CALL = "customer.do_not_call", _("Customer asked not to be called")


class DeliveryStatus(TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed permanently")
