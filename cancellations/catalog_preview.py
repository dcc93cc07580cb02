"""An offer's preview in the catalog workspace, as this app's offer engine sees it: how many
of today's active contracts it could reach, and where it would rank on a sample call.
Registered with the catalog when the app loads (catalog.extensions)."""

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from cancellations.models import CancellationRequest
from cancellations.offer_engine.loading import offer_rank_preview
from cancellations.offer_engine.reach import offer_reach
from customers.choices import ContractStatus


def offer_preview(request, form, proposed) -> dict:
    reason_ids = {r.pk for r in form.cleaned_data.get("reasons") or []}
    categories = form.cleaned_data.get("reason_categories") or []
    preview = {"reach": offer_reach(offer=proposed, today=timezone.localdate())}
    sample = _sample_request(request, categories, reason_ids)
    if sample is not None:
        ranked, mine = offer_rank_preview(request=sample, draft=proposed, reason_ids=reason_ids)
        preview.update(sample=sample, ranked=ranked, mine=mine)
        preview["position"] = next(
            (i for i, e in enumerate(ranked, start=1) if e.offer is proposed), None
        )
    return preview


def _sample_request(request, categories, reason_ids):
    """The request to rank against: the one asked for, else the latest with a matching
    reason on a contract still running."""
    requests = CancellationRequest.objects.select_related("contract__product", "customer", "reason")
    raw = request.POST.get("sample") or request.GET.get("sample")
    if raw:
        try:
            return requests.get(pk=int(raw))
        except (ValueError, CancellationRequest.DoesNotExist):
            messages.warning(request, _("No such request; using the latest matching one."))
    matching = requests.filter(reason__category__in=categories)
    if reason_ids:
        matching = matching.filter(reason_id__in=reason_ids)
    # A customer still with us is the useful sample (a cancelled contract gets no offers).
    live = matching.filter(contract__status__in=[ContractStatus.ACTIVE, ContractStatus.SUSPENDED])
    return live.order_by("-pk").first() or matching.order_by("-pk").first()
