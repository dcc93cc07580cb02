"""The order every supervisor queue shares: oldest and most valuable first."""

from django.utils import timezone

# "Oldest and most valuable first": a valuable customer counts as having waited longer.
VALUE_HEAD_START_SECONDS = {"vip": 120, "gold": 60}


def queue_order(items: list, waiting_since, now=None, customer=lambda item: item.customer):
    """Sort a queue by seconds waited plus the customer's head start for value (a VIP who
    has waited 30 s goes before a standard customer who has waited 2 minutes), then by id."""
    now = now or timezone.now()

    def priority(item):
        since = waiting_since(item) or now
        waited = (now - since).total_seconds()
        head_start = VALUE_HEAD_START_SECONDS.get(customer(item).value_tier, 0)
        return (-(waited + head_start), item.pk)

    return sorted(items, key=priority)
