"""What a win-back or intensive-care call shows beside the call itself: why the customer
left, what they were offered then, what we can offer now, and since they came back, their
claims and calls."""

from calls.choices import CallTaskKind
from calls.models import CallTask
from catalog.models import Reason
from customers.models import Product
from winback.services.winback import win_back_offers


def win_back_screen_data(*, task: CallTask) -> dict:
    case = task.win_back
    last_request = (
        case.contract.cancellation_requests.select_related("reason").order_by("-opened_at").first()
    )
    data = {
        "last_request": last_request,
        "offered": list(last_request.presentations.order_by("position")) if last_request else [],
        "products": list(Product.objects.filter(is_active=True).order_by("category")),
        "winback_offers": list(win_back_offers()[:20]),
        "reasons": list(Reason.objects.filter(is_active=True)),
    }
    care = (CallTaskKind.CARE_CHECK_IN, CallTaskKind.CARE_REVIEW)
    if task.kind in care and case.new_contract_id:
        since = case.closed_at
        data["claims_since"] = list(task.customer.claims.filter(received_at__gte=since))
        data["calls_since"] = list(
            CallTask.objects.filter(customer=task.customer, updated_at__gte=since)
            .exclude(pk=task.pk)
            .order_by("-due_at")[:20]
        )
    return data
