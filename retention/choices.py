from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ValueTier(TextChoices):
    VIP = "vip", _("VIP")
    GOLD = "gold", _("Gold")
    STANDARD = "standard", _("Standard")


class Region(TextChoices):
    SEOUL = "seoul", _("Seoul")
    BUSAN = "busan", _("Busan")
    DAEGU = "daegu", _("Daegu")
    INCHEON = "incheon", _("Incheon")
    GWANGJU = "gwangju", _("Gwangju")
    DAEJEON = "daejeon", _("Daejeon")
    ULSAN = "ulsan", _("Ulsan")
    SEJONG = "sejong", _("Sejong")
    GYEONGGI = "gyeonggi", _("Gyeonggi")
    GANGWON = "gangwon", _("Gangwon")
    CHUNGBUK = "chungbuk", _("North Chungcheong")
    CHUNGNAM = "chungnam", _("South Chungcheong")
    JEONBUK = "jeonbuk", _("North Jeolla")
    JEONNAM = "jeonnam", _("South Jeolla")
    GYEONGBUK = "gyeongbuk", _("North Gyeongsang")
    GYEONGNAM = "gyeongnam", _("South Gyeongsang")
    JEJU = "jeju", _("Jeju")


class ProductCategory(TextChoices):
    WATER_PURIFIER = "water_purifier", _("Water purifier")
    BIDET = "bidet", _("Bidet")
    AIR_PURIFIER = "air_purifier", _("Air purifier")
    MATTRESS = "mattress", _("Mattress")
    MASSAGE_CHAIR = "massage_chair", _("Massage chair")


class ContractStatus(TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended")


class AmendmentKind(TextChoices):
    FEE_ADJUSTMENT = "fee_adjustment", _("Fee adjustment")
    PRODUCT_CHANGE = "product_change", _("Product change")
    TERM_CHANGE = "term_change", _("Term change")
    RELOCATION = "relocation", _("Relocation")
    PAUSE = "pause", _("Pause")
    DISCOUNT = "discount", _("Discount")
    FREE_MONTHS = "free_months", _("Free months")
    BENEFIT = "benefit", _("Benefit (no change to fee or term)")


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


class CallTaskKind(TextChoices):
    SAVE_FOLLOW_UP = "save_follow_up", _("Save follow-up")
    CALLBACK = "callback", _("Callback")
    CLAIM_INTERIM = "claim_interim", _("Claim interim contact")
    AFTER_SERVICE = "after_service", _("After-service greeting")
    WIN_BACK = "win_back", _("Win-back")
    CARE_CHECK_IN = "care_check_in", _("Intensive-care check-in")
    CARE_REVIEW = "care_review", _("Intensive-care review")
    SURVEY = "survey", _("Survey call")


class CallQueue(TextChoices):
    AGENTS = "agents", _("Agents")
    SPECIALISTS = "specialists", _("Retention specialists")
    SUPERVISORS = "supervisors", _("Supervisors and executives")


class CallTaskStatus(TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DUE = "due", _("Due")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CallOutcome(TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    DO_NOT_CALL = "do_not_call", _("Asked not to be called")
    UNREACHABLE = "unreachable", _("Unreachable after every attempt")
    WON_BACK = "won_back", _("Won back")
    DECLINED = "declined", _("Declined")


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


class SurveyTouchpoint(TextChoices):
    CANCELLATION = "cancellation", _("After a cancellation")
    SAVE = "save", _("After a save")
    CLAIM = "claim", _("After a claim")
    WIN_BACK = "win_back", _("After a win-back")
