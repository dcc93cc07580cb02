"""Survey invitations and answers. The link carries a random token; only its hash is
stored. A link works once and expires."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calls.choices import SurveyTouchpoint
from calls.models import CallTask, Survey, survey_token_hash
from core.errors import ServiceError

log = logging.getLogger(__name__)


def _touchpoint(task: CallTask) -> str:
    """What the survey is about: said by the flow that planned the call."""
    if task.touchpoint:
        return task.touchpoint
    if task.claim_id:
        return SurveyTouchpoint.CLAIM
    if task.win_back_id:
        return SurveyTouchpoint.WIN_BACK
    return SurveyTouchpoint.CANCELLATION


def _handled_by(task: CallTask) -> int | None:
    if task.cancellation_request_id:
        return task.cancellation_request.agent_id
    if task.claim_id:
        return task.claim.agent_id
    return None


def survey_invite_for_call(*, task: CallTask) -> Survey:
    """The survey behind a survey call: created once per call, emailed when the customer has
    an address (the agent can also read the questions on the call)."""
    existing = Survey.objects.filter(idempotency_key=f"survey-call:{task.pk}").first()
    if existing:
        return existing
    token = secrets.token_urlsafe(32)
    survey = Survey.objects.create(
        touchpoint=_touchpoint(task),
        customer=task.customer,
        cancellation_request_id=task.cancellation_request_id,
        claim_id=task.claim_id,
        win_back_id=task.win_back_id,
        agent_id=_handled_by(task),
        token_hash=survey_token_hash(token),
        idempotency_key=f"survey-call:{task.pk}",
        expires_at=timezone.now() + timedelta(days=settings.SURVEY_LINK_DAYS),
    )
    customer = task.customer
    if customer.email:
        link = settings.SITE_URL.rstrip("/") + reverse("survey", args=[token])
        survey_id = survey.pk

        def send() -> None:
            # After the commit: a mail server that is down must not undo the survey, nor
            # fail the agent's click. The survey call still asks the questions by phone.
            try:
                _send(customer, link)
            except Exception:
                log.exception("survey invitation %s could not be emailed", survey_id)
                return
            Survey.objects.filter(pk=survey_id).update(emailed_at=timezone.now())

        transaction.on_commit(send)
    survey.token = token  # for the caller (tests, the agent's screen); never stored
    return survey


def _send(customer, link: str) -> None:
    with translation.override(customer.language):
        send_mail(
            _("How did we do?"),
            _(
                "Thank you for talking with us. Two minutes of your time would help us "
                "do better: %(link)s\n\nThe link works once and for %(days)d days."
            )
            % {"link": link, "days": settings.SURVEY_LINK_DAYS},
            None,
            [customer.email],
        )


def survey_find(*, token: str) -> tuple[Survey | None, str]:
    """The survey and its condition: ok, unknown, answered or expired."""
    survey = Survey.objects.filter(token_hash=survey_token_hash(token or "")).first()
    if survey is None:
        return None, "unknown"
    if survey.answered_at is not None:
        return survey, "answered"
    if survey.expires_at <= timezone.now():
        return survey, "expired"
    return survey, "ok"


def survey_answer(
    *, token: str, csat: int, comment: str = "", would_return: bool | None = None
) -> Survey:
    """Store the answer once. A second submission (double click, a reload, a replayed
    request) finds the survey answered and changes nothing."""
    if csat not in (1, 2, 3, 4, 5):
        raise ServiceError(_("Choose a score from 1 to 5."), code="csat")
    now = timezone.now()
    stored = Survey.objects.filter(
        token_hash=survey_token_hash(token or ""), answered_at__isnull=True, expires_at__gt=now
    ).update(answered_at=now, csat=csat, comment=comment.strip()[:2000], would_return=would_return)
    survey, condition = survey_find(token=token)
    if not stored:
        raise ServiceError(_("This survey link cannot be used."), code=condition)
    return survey
