"""What the audit trail records: every step of both machines, and what happens beside them."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    """Every audited action, by name. A transition is recorded under its own name (and the
    trail shows the state it reached); the others say what was done without moving."""

    # Opening, and what is done beside the steps
    OPEN = "open", _("Opened")
    REQUOTE = "requote", _("Quoted another date")
    TAG_CUSTOMER_TYPE = "tag_customer_type", _("Customer type tagged")
    PROMISE_DEADLINE = "promise_deadline", _("Deadline promised")
    COMPENSATION_PROPOSE = "compensation_propose", _("Compensation proposed")
    COMPENSATION_APPROVE = "compensation_approve", _("Compensation approved")
    COMPENSATION_DENY = "compensation_deny", _("Compensation denied")
    FLAG = "flag", _("Flagged for a supervisor")
    TAKE_OVER = "take_over", _("Taken over by a supervisor")
    REASSIGN = "reassign", _("Given to another agent")
    COACH = "coach", _("Coaching note written")
    TAKE_CALL = "take_call", _("Call taken")
    CALL_OUTCOME = "call_outcome", _("Call outcome logged")
    WIN_BACK = "win_back", _("Won back")
    WIN_BACK_DECLINED = "win_back_declined", _("Win-back declined")
    WIN_BACK_UNREACHABLE = "win_back_unreachable", _("Win-back unreachable")
    # The company's systems (the API)
    API_KEY_CREATE = "api_key_create", _("API key created")
    API_KEY_REVOKE = "api_key_revoke", _("API key revoked")
    API_WRITE = "api_write", _("Written through the API")
    DIAL_REQUEST = "dial_request", _("Call dialled from the desk")
    BOOK_SYNC = "book_sync", _("Customer book synced")
    # Webhooks out
    WEBHOOK_ENDPOINT_CREATE = "webhook_endpoint_create", _("Webhook endpoint created")
    WEBHOOK_ENDPOINT_UPDATE = "webhook_endpoint_update", _("Webhook endpoint changed")
    WEBHOOK_ENDPOINT_DISABLE = "webhook_endpoint_disable", _("Webhook endpoint disabled")
    WEBHOOK_ENDPOINT_FAILING = (
        "webhook_endpoint_failing",
        _("Webhook endpoint disabled after failing"),
    )
    WEBHOOK_ENDPOINT_ENABLE = "webhook_endpoint_enable", _("Webhook endpoint enabled")
    WEBHOOK_SECRET_ROTATE = "webhook_secret_rotate", _("Webhook secret rotated")
    WEBHOOK_REPLAY = "webhook_replay", _("Webhook deliveries sent again")
    # The cancellation machine's transitions
    IDENTIFY_REASON = "identify_reason", _("Reason identified")
    PRESENT_OFFER = "present_offer", _("Offer presented")
    APPROVE_OFFER = "approve_offer", _("Offer approved")
    DENY_OFFER = "deny_offer", _("Offer denied")
    WITHDRAW_APPROVAL_REQUEST = "withdraw_approval_request", _("Approval request withdrawn")
    ACCEPT_OFFER = "accept_offer", _("Offer accepted")
    DECLINE_OFFER = "decline_offer", _("Offer declined")
    INSIST_ON_CANCELLING = "insist_on_cancelling", _("Customer insisted on cancelling")
    RECONSIDER = "reconsider", _("Customer reconsidered")
    CONFIRM_CANCELLATION = "confirm_cancellation", _("Cancellation confirmed")
    SCHEDULE_CALLBACK = "schedule_callback", _("Callback scheduled")
    RESUME = "resume", _("Call resumed")
    WITHDRAW = "withdraw", _("Request withdrawn")
    REQUEST_MANAGER = "request_manager", _("Customer asked for a manager")
    # The claim machine's transitions
    APOLOGIZE = "apologize", _("Apologised")
    LISTEN = "listen", _("Listened")
    IDENTIFY_CAUSE = "identify_cause", _("Cause identified")
    PLAN_COUNTERMEASURE = "plan_countermeasure", _("Countermeasure planned")
    ESCALATE = "escalate", _("Escalated")
    INSTRUCT = "instruct", _("Instructed")
    PRESENT_SOLUTION = "present_solution", _("Method presented")
    REVISE_COUNTERMEASURE = "revise_countermeasure", _("Countermeasure revised")
    EXECUTE = "execute", _("Executed")
    CLOSE = "close", _("Closed")
