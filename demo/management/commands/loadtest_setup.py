"""Agents for `make loadtest`: N agent users, each signed in (a session) with an open
cancellation request on a contract of its own. Writes [{"cookie", "request"}] as JSON."""

import json
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from cancellations.services.opening import cancellation_open
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
        store = import_module(settings.SESSION_ENGINE).SessionStore
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
            open_request = contract.cancellation_requests.filter(closed_at__isnull=True).first()
            request = open_request or cancellation_open(contract_id=contract.pk, user=user)
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            consoles.append(
                {
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                    "request": request.pk,
                }
            )
        with open(out, "w") as handle:
            json.dump(consoles, handle)
        self.stdout.write(f"{agents} agents with open consoles written to {out}")
