"""My calls, the call screen, and the public survey page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.choices import CallQueue
from calls.models import CallTask, Survey
from calls.services.dispatch import call_task_prepare
from calls.services.planning import call_task_request
from calls.services.surveys import survey_invite_for_call
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _call(customer, *, kind="save_follow_up", due=None, queue=CallQueue.AGENTS, assignee=None):
    return call_task_request(
        kind=kind,
        customer_id=customer.pk,
        due_at=due or timezone.now() - timedelta(minutes=5),
        queue=queue,
        assignee_id=assignee.pk if assignee else None,
        idempotency_key=f"test:{customer.pk}:{kind}:{due}",
    )


def test_my_calls_lists_due_first_then_later(client_as_agent, agent):
    customer = CustomerFactory(name="한지민")
    due = _call(customer)
    later = _call(customer, kind="callback", due=timezone.now() + timedelta(days=3))
    body = client_as_agent.get(reverse("my_calls")).content.decode()
    assert body.index("Due and overdue") < body.index("한지민") < body.index("Later")
    assert reverse("call_take", args=[due.pk]) in body
    # A later call offers only "Take early", behind a confirmation.
    later_form = body[body.index(reverse("call_take", args=[later.pk])) :].split("</form>")[0]
    assert 'name="early" value="1"' in later_form and "data-confirm" in later_form


def test_a_call_taken_early_is_taken_and_recorded_as_early(client_as_agent, agent):
    from core.models import AuditEntry

    later = _call(CustomerFactory(), kind="callback", due=timezone.now() + timedelta(days=3))
    refused = client_as_agent.post(reverse("call_take", args=[later.pk]), follow=True)
    assert "not due yet" in refused.content.decode()
    response = client_as_agent.post(reverse("call_take", args=[later.pk]), {"early": "1"})
    assert response.url == reverse("call", args=[later.pk])
    later.refresh_from_db()
    assert (later.status, later.assignee) == ("in_progress", agent)
    taken = AuditEntry.objects.get(subject_id=later.pk, action="take_call")
    assert taken.data["early"] is True


def test_an_agent_does_not_see_the_specialists_queue(client_as_agent, login):
    customer = CustomerFactory(name="윤서아")
    task = _call(customer, kind="win_back", queue=CallQueue.SPECIALISTS)
    assert "윤서아" not in client_as_agent.get(reverse("my_calls")).content.decode()
    assert client_as_agent.get(reverse("call", args=[task.pk])).status_code == 403
    specialist = UserFactory(username="specialist-kang", role="retention_specialist")
    client = login(specialist)
    assert "윤서아" in client.get(reverse("my_calls")).content.decode()


def test_take_a_call_and_log_a_retry(client_as_agent, agent, settings):
    task = _call(CustomerFactory())
    response = client_as_agent.post(reverse("call_take", args=[task.pk]))
    assert response.url == reverse("call", args=[task.pk])
    body = client_as_agent.get(reverse("call", args=[task.pk])).content.decode()
    assert "Save the outcome" in body
    client_as_agent.post(reverse("call_outcome", args=[task.pk]), {"outcome": "no_answer"})
    task.refresh_from_db()
    assert (task.status, task.attempts, task.outcome) == ("scheduled", 1, "no_answer")
    assert task.due_at > timezone.now() + timedelta(minutes=settings.CALLS_RETRY_MINUTES[0] - 1)


def test_taking_a_call_someone_else_took_says_so(client, login, agent):
    task = _call(CustomerFactory())
    login(agent).post(reverse("call_take", args=[task.pk]))
    other = login(UserFactory(username="agent-late", role="agent"))
    response = other.post(reverse("call_take", args=[task.pk]), follow=True)
    assert response.status_code == 403 or "Someone else has taken this call" in (
        response.content.decode()
    )
    assert CallTask.objects.get(pk=task.pk).assignee == agent


def test_an_unknown_outcome_is_refused(client_as_agent):
    task = _call(CustomerFactory())
    client_as_agent.post(reverse("call_take", args=[task.pk]))
    response = client_as_agent.post(
        reverse("call_outcome", args=[task.pk]), {"outcome": "won_the_lottery"}, follow=True
    )
    assert "Choose what happened" in response.content.decode()
    assert CallTask.objects.get(pk=task.pk).status == "in_progress"


@pytest.fixture
def survey_link():
    task = _call(CustomerFactory(email="jiwoo@example.kr"), kind="survey")
    survey = survey_invite_for_call(task=task)
    return reverse("survey", args=[survey.token])


def test_survey_page_needs_no_login_and_stores_the_answer_once(client, survey_link):
    assert client.get(survey_link).status_code == 200
    response = client.post(
        survey_link, {"csat": "4", "comment": "Kind agent", "would_return": "yes"}
    )
    assert "Thank you" in response.content.decode()
    again = client.post(survey_link, {"csat": "1"})
    assert "Already answered" in again.content.decode()
    survey = Survey.objects.get()
    assert (survey.csat, survey.comment, survey.would_return) == (4, "Kind agent", True)


@pytest.mark.parametrize("csat", ["0", "6", "", "five"])
def test_survey_bad_score_is_refused_and_nothing_stored(client, survey_link, csat):
    response = client.post(survey_link, {"csat": csat})
    assert response.status_code == 400
    assert Survey.objects.get().answered_at is None


def test_survey_unknown_and_expired_links_get_friendly_pages(client, survey_link):
    response = client.get(reverse("survey", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    Survey.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(survey_link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_survey_flood_is_slowed_down(client, survey_link, settings):
    import random

    settings.SURVEY_RATE_PER_MINUTE = 5
    flood, other = (f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{n}" for n in (1, 2))
    codes = [client.get(survey_link, REMOTE_ADDR=flood).status_code for _ in range(8)]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429] * 3
    assert client.get(survey_link, REMOTE_ADDR=other).status_code == 200


def test_survey_call_preparation_emails_the_link_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    task = _call(CustomerFactory(email="minho@example.kr"), kind="survey")
    with django_capture_on_commit_callbacks(execute=True):
        call_task_prepare(call_task_id=task.pk)
        call_task_prepare(call_task_id=task.pk)
    assert Survey.objects.count() == 1
    assert len(mailoutbox) == 1
    assert "/survey/" in mailoutbox[0].body


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agent", 200), ("supervisor", 200), ("catalog_admin", 403), (None, 302)],
)
def test_my_calls_per_role(client, login, request, who, expected):
    if who:
        login(request.getfixturevalue(who))
    assert client.get(reverse("my_calls")).status_code == expected
