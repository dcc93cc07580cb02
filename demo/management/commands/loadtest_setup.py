"""Agents for `make loadtest`: N agent users, each signed in (a session) with an open
cancellation request on a contract of its own, its reason identified (the console in the
financial branch, ranking offers), and the first agent with an open claim too; and a signed-in
supervisor. Writes {"agents": [{"cookie", "request", "customer", "claim"}],
"supervisor": {"cookie"}} as JSON."""

import json
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.models import Reason
from claims.services.opening import claim_open
from customers.models import Contract, Customer, Product


class Command(BaseCommand):
    help = "Make signed-in agents with open consoles for the load test (scripts/loadtest.py)."

    def add_arguments(self, parser):
        parser.add_argument("--agents", type=int, required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, agents: int, out: str, **options):
        product = Product.objects.order_by("pk").first()
        if product is None:
            raise SystemExit("no product: run seed_demo first (make run does)")
        group = Group.objects.get(name=str(Role.AGENT))
        reason = Reason.objects.get(code="fee_burden")
        consoles = []
        for n in range(agents):
            with transaction.atomic():
                user, _ = User.objects.get_or_create(
                    username=f"load-agent-{n}", defaults={"first_name": f"Load {n}"}
                )
                user.groups.add(group)
                customer, _ = Customer.objects.get_or_create(
                    customer_no=f"L{n:08d}",
                    defaults={"name": f"부하{n}", "phone": f"0109{n:07d}"},
                )
                contract, _ = Contract.objects.get_or_create(
                    number=f"LOAD-{n:07d}",
                    defaults={
                        "customer": customer,
                        "product": product,
                        "start_date": "2024-01-01",
                        "term_months": 60,
                        "monthly_fee": product.monthly_fee,
                    },
                )
            request = contract.cancellation_requests.filter(closed_at__isnull=True).first()
            if request is None:
                request = cancellation_open(contract_id=contract.pk, user=user)
            if request.reason_id is None:
                request = cancellation_identify_reason(
                    request_id=request.pk, user=user, reason_id=reason.pk
                )
            claim = None
            if n == 0:
                claim = customer.claims.filter(closed_at__isnull=True).first() or claim_open(
                    customer_id=customer.pk, user=user, subject="Load test: noise"
                )
            consoles.append(
                {
                    "cookie": _signed_in(user),
                    "request": request.pk,
                    "customer": customer.pk,
                    "claim": claim.pk if claim else None,
                }
            )
        supervisor, _ = User.objects.get_or_create(
            username="load-supervisor", defaults={"first_name": "Load supervisor"}
        )
        supervisor.groups.add(Group.objects.get(name=str(Role.SUPERVISOR)))
        with open(out, "w") as handle:
            json.dump(
                {"agents": consoles, "supervisor": {"cookie": _signed_in(supervisor)}}, handle
            )
        self.stdout.write(f"{agents} agents with open consoles written to {out}")


def _signed_in(user) -> str:
    """A session for `user`, as the login makes it: the cookie that carries it."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.KeptModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
