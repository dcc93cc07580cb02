"""Every URL of the desk, filled from a small world of real objects: for the tests that
must cover each endpoint (hostile input, security headers), so a new one is covered the day
it is added."""

from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from calls.services.planning import call_task_request
from cancellations.services.opening import cancellation_open
from cancellations.views.console import ACTIONS as CONSOLE_ACTIONS
from catalog.services.kinds import KINDS
from catalog.views import ACTIONS as CATALOG_ACTIONS
from claims.services.compensation import compensation_propose
from claims.services.opening import claim_open
from claims.views import ACTIONS as CLAIM_ACTIONS
from reporting.analytics.tables import TABLES
from tests.factories import ContractFactory, OfferFactory
from webhooks.services.endpoints import endpoint_create
from webhooks.services.events import event_emit


def world_make(agent) -> dict:
    """One of everything a URL can point at, made through the real services."""
    contract = ContractFactory()
    customer = contract.customer
    request = cancellation_open(contract_id=contract.pk, user=agent)
    claim = claim_open(customer_id=customer.pk, user=agent, subject="Leak")
    compensation = compensation_propose(
        claim_id=claim.pk, user=agent, form="voucher", amount=60_000
    )
    call = call_task_request(
        kind="save_follow_up",
        customer_id=customer.pk,
        due_at=timezone.now() - timedelta(minutes=5),
        idempotency_key=f"hostile:{customer.pk}",
    )
    offer = OfferFactory()
    hook = endpoint_create(user=None, name="CRM", url="http://127.0.0.1:9/hooks").endpoint
    event = event_emit(type="claim.closed", data={"claim": {"id": claim.pk}})
    return {
        "customer": customer.pk,
        "contract": contract.pk,
        "request": request.pk,
        "claim": claim.pk,
        "compensation": compensation.pk,
        "call": call.pk,
        "offer": offer.pk,
        "webhook_endpoint": hook.pk,
        "webhook_delivery": event.deliveries.get().pk,
    }


def _patterns(resolvers=None, prefix="", namespace=""):
    """(pattern, route, the name to reverse it by: with its namespace, as `api:keys`)."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own admin: staff only, none of the desk roles reach it
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield entry, prefix + str(entry.pattern), f"{namespace}{entry.name}"


def _kwargs_for(name: str, world: dict) -> list[dict]:
    """Every set of path arguments to try for the URL `name`: the real object, and a
    tampered id that points at nothing."""
    missing = 999_999_999
    request, claim, call = world["request"], world["claim"], world["call"]
    by_name = {
        "customer": [{"pk": world["customer"]}, {"pk": missing}],
        "cancel_start": [{"contract_pk": world["contract"]}, {"contract_pk": missing}],
        "claim_open": [{"customer_pk": world["customer"]}, {"customer_pk": missing}],
        "survey": [{"token": "x" * 43}, {"token": "a\x00b"}],
        "catalog_change_withdraw": [{"pk": missing}],
        "dashboard_csv": [{"table": table} for table in [*TABLES, "nothing"]],
        "catalog_list": [{"kind": kind} for kind in [*KINDS, "nothing"]],
        "catalog_new": [{"kind": kind} for kind in KINDS],
        "catalog_edit": [{"kind": "offers", "pk": world["offer"]}, {"kind": "offers", "pk": 0}],
        "catalog_history": [{"kind": "offers", "pk": world["offer"]}],
        "catalog_restore": [{"kind": "offers", "pk": world["offer"], "version": 1}],
        "catalog_act": [
            {"kind": "offers", "pk": world["offer"], "action": action}
            for action in [*CATALOG_ACTIONS, "delete", "nothing"]
        ],
        "console_act": [{"pk": request, "name": n} for n in [*CONSOLE_ACTIONS, "nothing"]],
        "claim_act": [{"pk": claim, "name": n} for n in [*CLAIM_ACTIONS, "nothing"]],
        "compensation_approve": [{"pk": world["compensation"]}, {"pk": missing}],
        "compensation_deny": [{"pk": world["compensation"]}],
        "webhook_delivery_replay": [{"pk": world["webhook_delivery"]}, {"pk": missing}],
        "api:key_revoke": [{"key_id": missing}],
        "api:webhook_endpoint": [
            {"endpoint_id": world["webhook_endpoint"]},
            {"endpoint_id": missing},
        ],
        "api:webhook_endpoint_rotate": [{"endpoint_id": missing}],
        "phone_dial": [{"customer_id": world["customer"]}, {"customer_id": missing}],
        **{
            f"api:{kind}_detail": [{"external_id": "X-1"}, {"external_id": "a b"}]
            for kind in ("customers", "products", "contracts")
        },
    }
    for names, key in (
        (("console", "console_poll", "console_notes", "hand_over"), request),
        (("approval_approve", "approval_deny"), request),
        (("claim_console", "claim_poll", "claim_notes", "claim_cancellation"), claim),
        (("claim_instruct", "claim_hand_over"), claim),
        (("call", "call_take", "call_outcome", "call_win_back", "call_win_back_outcome"), call),
        (
            (
                "webhook_endpoint",
                "webhook_endpoint_rotate",
                "webhook_endpoint_disable",
                "webhook_endpoint_enable",
                "webhook_deliveries",
                "webhook_deliveries_replay",
            ),
            world["webhook_endpoint"],
        ),
    ):
        for each in names:
            by_name[each] = [{"pk": key}, {"pk": missing}]
    return by_name.get(name)


def every_url(world: dict) -> list[str]:
    urls = []
    for pattern, route, name in _patterns():
        if not pattern.pattern.converters:
            urls.append("/" + route.lstrip("^").rstrip("$"))
            continue
        arguments = _kwargs_for(name, world)
        assert arguments is not None, (
            f"URL {route!r} ({name}) takes path arguments: say in _kwargs_for which "
            "objects fill them, so the hostile-input test covers it"
        )
        urls += [reverse(name, kwargs=kwargs) for kwargs in arguments]
    # Logging out ends the role's session: last, so every other URL is tried as the role.
    logout = reverse("logout")
    return [url for url in urls if url != logout] + [logout]
