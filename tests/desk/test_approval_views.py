"""The supervisors' approval queue: waiting offers listed and approved, a denial needs a
note, and only supervisors enter."""

import pytest
from django.urls import reverse

from cancellations.choices import RequestState
from cancellations.services.offers import offer_present
from tests.cancellations.helpers import request_state

pytestmark = pytest.mark.django_db

S = RequestState


# ---- approvals -------------------------------------------------------------------------------


def test_approval_queue_lists_waiting_offers_and_approves(
    client_as_supervisor, agent, walk, costly_offer
):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    body = client_as_supervisor.get(reverse("approvals")).content.decode()
    assert request.customer.name in body
    assert costly_offer.name_en in body
    response = client_as_supervisor.post(
        reverse("approval_approve", args=[request.pk]),
        {"note": "fine", "expected_state": "awaiting_approval"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert request_state(request) == S.OFFER_PRESENTED
    assert "Nothing is waiting for you." in response.content.decode()


def test_denying_without_a_note_is_refused(client_as_supervisor, agent, walk, costly_offer):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    response = client_as_supervisor.post(
        reverse("approval_deny", args=[request.pk]), {"note": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Say why" in response.content.decode()
    assert request_state(request) == S.AWAITING_APPROVAL


# ---- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agent", 403), ("catalog_admin", 403), ("supervisor", 200), (None, 302)],
)
def test_approval_queue_permissions(client, login, request, who, expected):
    if who:
        login(request.getfixturevalue(who))
    assert client.get(reverse("approvals")).status_code == expected
