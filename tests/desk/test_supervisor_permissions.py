"""Every supervisor URL, for every role: supervisors in, everyone else refused by the
server (403), anonymous visitors sent to log in. Nothing changes on a refusal."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from desk.models import CoachingNote
from reporting.analytics.tables import TABLES, TABS

pytestmark = pytest.mark.django_db

PAGES = [
    ("approvals", [], {}),
    ("floor", [], {}),
    *[("dashboards", [], {"tab": tab}) for tab in TABS],
    *[("dashboard_csv", [name], {}) for name in [*TABLES, "requests"]],
]
ACTIONS = [
    ("coach", []),
    ("hand_over", [1]),
    ("approval_approve", [1]),
    ("approval_deny", [1]),
    ("claim_instruct", [1]),
    ("claim_hand_over", [1]),
    ("compensation_approve", [1]),
    ("compensation_deny", [1]),
]
ROLES = [("supervisor", 200), ("agent", 403), ("catalog_admin", 403), (None, 302)]


@pytest.mark.parametrize(("name", "args", "query"), PAGES)
@pytest.mark.parametrize(("who", "expected"), ROLES)
def test_supervisor_pages(client, login, request, name, args, query, who, expected):
    if who:
        login(request.getfixturevalue(who))
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), ACTIONS)
@pytest.mark.parametrize(("who", "expected"), [r for r in ROLES if r[0] != "supervisor"])
def test_supervisor_actions_refuse_everyone_else(
    client, login, request, agent, name, args, who, expected
):
    if who:
        login(request.getfixturevalue(who))
    data = {"agent": agent.pk, "text": "Well done", "note": "ok", "take": "1"}
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == expected
    assert not CoachingNote.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("name", "args"), ACTIONS)
def test_supervisor_actions_are_open_to_supervisors(client_as_supervisor, agent, name, args):
    """A supervisor gets past the door: a missing request or claim is a message or a 404,
    never a 403."""
    data = {"agent": agent.pk, "text": "Well done", "note": "ok", "take": "1"}
    response = client_as_supervisor.post(reverse(name, args=args), data)
    assert response.status_code in (200, 302, 404)
