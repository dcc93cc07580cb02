"""What an agent does to a call beside its steps, the same on both machines (a cancellation
request, a claim: `core.models.HandledCall`): save the notes as they type, tag the customer's
type from the playbook, record that the customer asks for a manager. Each locks the row,
checks that this user handles the call (or supervises), and is audited where it matters."""

from django.db import models, transaction
from django.utils.translation import gettext as _

from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.fsm import record_lock, transition_run
from core.permissions import can_handle_request
from core.services.audit import audit_record
from core.updates import subject_keys, updates_bump


def _locked_for(queryset: models.QuerySet, pk, user, *, missing: str, expected_state=None):
    call = record_lock(queryset, pk, expected_state=expected_state, missing=missing)
    if not can_handle_request(user, call):
        raise NotPermitted(_("You are not allowed to take that step."))
    return call


def handled_call_notes_save(*, queryset: models.QuerySet, pk, user, notes: str, missing: str):
    """The notes, saved as they are typed, and who wrote them (others' screens show that
    someone else changed them). Allowed while the call is open."""
    with transaction.atomic():
        call = _locked_for(queryset, pk, user, missing=missing)
        if not call.is_open:
            raise ServiceError(_("This is closed; its notes are final."), code="closed")
        call.notes, call.notes_by = notes, user
        call.save()
        updates_bump(subject_keys(call))  # not audited (saved as typed), still on screens
    return call


def handled_call_tag(*, queryset: models.QuerySet, pk, user, customer_type_id, missing: str):
    """Tag the call with a playbook type (or clear it) so its handling tips show."""
    types = queryset.model._meta.get_field("customer_type").related_model.objects
    with transaction.atomic():
        call = _locked_for(queryset, pk, user, missing=missing)
        customer_type = None
        if customer_type_id is not None:
            customer_type = types.filter(pk=customer_type_id, is_active=True).first()
            if customer_type is None:
                raise ServiceError(_("Choose a customer type from the list."), code="type")
        call.customer_type = customer_type
        call.save()
        audit_record(
            subject=call,
            action=AuditAction.TAG_CUSTOMER_TYPE,
            source=call.state,
            target=call.state,
            user=user,
            data={"customer_type": customer_type.code if customer_type else None},
        )
    return call


def handled_call_request_manager(
    *, queryset: models.QuerySet, pk, user, missing: str, note: str = "", expected_state=None
):
    """The customer asks for a manager: the call stays at its step and waits in the
    supervisors' queue until one takes it over (each machine's `request_manager`)."""
    with transaction.atomic():
        call = record_lock(queryset, pk, expected_state=expected_state, missing=missing)
        transition_run(call, "request_manager", user=user, note=note)
    return call
