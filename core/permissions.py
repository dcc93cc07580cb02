"""Who may do what to a cancellation request. Used as django-fsm transition permissions, so
`get_available_user_state_transitions(user)` shows an agent exactly what they may do, and as
rules object permissions for views."""

from functools import wraps

import rules
from django.core.exceptions import PermissionDenied


@rules.predicate
def can_handle_request(user, request) -> bool:
    """Agents act on the requests they handle; supervisors on any (to take over a call)."""
    if user is None or not user.is_authenticated or request is None:
        return False
    if not user.has_perm("customers.handle_calls"):
        return False
    return request.agent_id == user.pk or user.has_perm("cancellations.approve_offers")


@rules.predicate
def can_decide_approval(user, request) -> bool:
    """Supervisors decide approvals, never on something they handle themselves or asked
    for themselves (`approval_requested_by_id`: who presented the offer, who escalated)."""
    if user is None or not user.is_authenticated or request is None:
        return False
    if request.agent_id == user.pk:
        return False
    if getattr(request, "approval_requested_by_id", None) == user.pk:
        return False
    return user.has_perm("cancellations.approve_offers")


rules.add_perm("cancellations.act_on_request", can_handle_request)
rules.add_perm("cancellations.decide_approval", can_decide_approval)


def transition_can_handle(instance, user) -> bool:
    return can_handle_request(user, instance)


def transition_can_decide(instance, user) -> bool:
    return can_decide_approval(user, instance)


def supervisor_required(view):
    """A supervisor-only view: anyone else gets 403 before anything runs (login is already
    required everywhere by the middleware)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("cancellations.approve_offers"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
