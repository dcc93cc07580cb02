from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


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


class SurveyTouchpoint(TextChoices):
    CANCELLATION = "cancellation", _("After a cancellation")
    SAVE = "save", _("After a save")
    CLAIM = "claim", _("After a claim")
    WIN_BACK = "win_back", _("After a win-back")


class PhoneCallState(TextChoices):
    RINGING = "ringing", _("Ringing")
    ANSWERED = "answered", _("Answered")
    ENDED = "ended", _("Ended")
