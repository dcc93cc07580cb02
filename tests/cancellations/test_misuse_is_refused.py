"""The ways a rushed or curious user could get around the cancellation rules, each refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import CallTask
from cancellations.services.closing import cancellation_resume, cancellation_schedule_callback
from cancellations.services.offers import offer_approve, offer_present
from core.errors import NotPermitted
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_supervisor_cannot_approve_an_offer_they_presented_on_an_agents_request(
    walk, supervisor, costly_offer
):
    request = walk("competitor")  # handled by the agent
    offer_present(request_id=request.pk, user=supervisor, offer_id=costly_offer.pk)
    with pytest.raises(NotPermitted):
        offer_approve(request_id=request.pk, user=supervisor)
    other = UserFactory(username="supervisor-second", role="supervisor")
    offer_approve(request_id=request.pk, user=other)


def test_an_offsite_back_link_is_ignored(client_as_agent):
    closed = ContractFactory(status="cancelled", cancelled_on=timezone.localdate())
    for back in ("https://evil.example/x", "nonsense"):
        response = client_as_agent.post(reverse("cancel_start", args=[closed.pk]), {"back": back})
        assert response.status_code == 302
        assert response.url == reverse("search")


def test_a_second_callback_at_the_same_time_is_planned_again(walk, agent, future):
    request = walk("financial_burden")
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    cancellation_resume(request_id=request.pk, user=agent)
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    calls = CallTask.objects.filter(cancellation_request=request, kind="callback")
    assert sorted(calls.values_list("status", flat=True)) == ["done", "scheduled"]
