from django.db.models import Count, Q

from retention.choices import ContractStatus
from retention.models import Contract, Customer


def home_summary() -> dict:
    """The few numbers on the home page: two aggregate queries whatever the data size."""
    contracts = Contract.objects.aggregate(
        active=Count("pk", filter=Q(status=ContractStatus.ACTIVE)),
        cancelled=Count("pk", filter=Q(status=ContractStatus.CANCELLED)),
    )
    return {"customers": Customer.objects.count(), **contracts}
