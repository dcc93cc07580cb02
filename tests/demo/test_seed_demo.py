"""The demo data: seeded once (again adds nothing), realistic and consistent, one role per
demo user, bad counts refused, and work waiting on every screen."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from customers.models import Contract, Customer, Product
from tests.cancellations.helpers import tally_read, tally_recount

pytestmark = pytest.mark.django_db


def _counts():
    return Customer.objects.count(), Contract.objects.count(), Product.objects.count()


def test_seeding_twice_adds_nothing_the_second_time():
    call_command("seed_demo", customers="40", stdout=StringIO())
    first = _counts()
    call_command("seed_demo", customers="40", stdout=StringIO())
    assert _counts() == first
    assert first[0] == 40
    assert first[1] >= 40


def test_seeding_more_keeps_the_first_rows_and_adds_the_rest():
    call_command("seed_demo", customers="20", stdout=StringIO())
    before = dict(Customer.objects.values_list("customer_no", "phone"))
    call_command("seed_demo", customers="30", stdout=StringIO())
    after = dict(Customer.objects.values_list("customer_no", "phone"))
    assert len(after) == 30
    assert {k: after[k] for k in before} == before


def test_demo_users_have_one_role_each():
    call_command("seed_demo", customers="0", stdout=StringIO())
    assert User.objects.get(username="agent").has_role(Role.AGENT)
    assert User.objects.get(username="supervisor").has_role(Role.SUPERVISOR)
    assert User.objects.get(username="catalog_admin").has_role(Role.CATALOG_ADMIN)
    assert not User.objects.get(username="agent").has_role(Role.SUPERVISOR)


def test_demo_data_is_realistic_and_consistent():
    call_command("seed_demo", customers="200", stdout=StringIO())
    customer = Customer.objects.get(customer_no="C00000001")
    assert customer.phone.startswith("010") and len(customer.phone) == 11
    assert "\uac00" <= customer.name[0] <= "\ud7a3"  # a Hangul syllable
    assert not Contract.objects.filter(status="cancelled", cancelled_on__isnull=True).exists()
    assert Product.objects.get(code="WP-ICE").alternatives.filter(code="WP-MINI").exists()
    assert Customer.objects.filter(lifetime_revenue__gt=0).count() > 150
    # The history's answers, loaded in bulk, are in the tally the ranking reads.
    assert tally_read() == tally_recount() != {}


@pytest.mark.parametrize(
    ("value", "message"),
    [("-5", "zero or more"), ("ten", "whole number"), ("1.5", "whole number")],
)
def test_bad_counts_are_refused_clearly_and_write_nothing(value, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", customers=value)
    assert _counts() == (0, 0, 0)


def test_the_demo_leaves_work_waiting_on_every_screen():
    from django.utils import timezone

    from accounts.models import User
    from calls.models import CallTask
    from calls.selectors import call_tasks_for_user
    from cancellations.models import CancellationRequest
    from claims.models import Claim

    call_command("seed_demo", customers="40", stdout=StringIO())
    now = timezone.now()
    people = {u.username: u for u in User.objects.all()}

    def due_kinds(username):
        return {t.kind for t in call_tasks_for_user(user=people[username], now=now)["due"]}

    assert {"save_follow_up", "callback", "claim_interim", "survey"} <= due_kinds("agent")
    assert {"win_back", "care_check_in"} <= due_kinds("specialist")
    assert "win_back" in due_kinds("supervisor")
    waiting = CancellationRequest.objects.filter(state="awaiting_approval")
    assert waiting.filter(agent=people["agent2"]).count() == 1
    overdue = Claim.objects.exclude(state="closed").filter(promised_deadline__lt=now)
    assert {c.agent.username for c in overdue} == {"agent", "agent2"}
    calls = CallTask.objects.count()
    call_command("seed_demo", customers="40", stdout=StringIO())
    assert CallTask.objects.count() == calls
