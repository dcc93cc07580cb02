from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ClaimState(TextChoices):
    RECEIVED = "received", _("Received")
    APOLOGIZED = "apologized", _("Apologised")
    LISTENED = "listened", _("Listened")
    CAUSE_IDENTIFIED = "cause_identified", _("Cause identified")
    COUNTERMEASURE_PLANNED = "countermeasure_planned", _("Countermeasure planned")
    ESCALATED = "escalated", _("Escalated to a supervisor")
    SOLUTION_PRESENTED = "solution_presented", _("Solution presented")
    EXECUTED = "executed", _("Executed")
    CLOSED = "closed", _("Closed")


class CustomerStatus(TextChoices):
    """What the customer is told (사후 관리: 접수 / 진행 중 / 처리 완료)."""

    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class RootCause(TextChoices):
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    INSTALLATION = "installation", _("Installation")
    TECHNICIAN_CONDUCT = "technician_conduct", _("Technician conduct")
    BILLING = "billing", _("Billing")
    DELIVERY = "delivery", _("Delivery")
    CARE_VISIT = "care_visit", _("Care visit")
    CALL_CENTRE = "call_centre", _("Call centre")
    OTHER = "other", _("Other")


class CustomerResponse(TextChoices):
    AGREED = "agreed", _("Agreed")
    OBJECTED = "objected", _("Objected")


class RecoveryOutcome(TextChoices):
    RECOVERED = "recovered", _("Product recovered")
    NOT_APPLICABLE = "not_applicable", _("Nothing to recover")


class FlagReason(TextChoices):
    DEADLINE = "deadline", _("Past the promised deadline")
    IDLE = "idle", _("Idle too long")


class CompensationForm(TextChoices):
    REFUND = "refund", _("Refund")
    VOUCHER = "voucher", _("Voucher")
    FREE_MONTHS = "free_months", _("Free months")
    APOLOGY = "apology", _("Apology letter")
    GIFT = "gift", _("Gift")


MATERIAL_FORMS = {CompensationForm.REFUND, CompensationForm.VOUCHER, CompensationForm.FREE_MONTHS}


class CompensationStatus(TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a supervisor")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
