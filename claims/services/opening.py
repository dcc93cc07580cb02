"""Opening a claim."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.services.phone import phone_call_current
from claims.models import Claim
from claims.services.common import _text
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.services.audit import audit_record
from core.services.submissions import submission_once
from customers.models import Contract, Customer


def claim_open(
    *, customer_id: int, user, subject: str, contract_id: int | None = None, submission=None
) -> Claim:
    """Open a claim at `received`. `submission`: the form's one-time key, so the same form
    sent twice (or twenty times at once) opens one claim."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors handle claims."))
    subject = _text(subject)
    if not subject:
        raise ServiceError(_("Say in a few words what the claim is about."), code="subject")
    if len(subject) > 200:
        raise ServiceError(_("Keep the subject under 200 characters."), code="subject")
    with transaction.atomic():
        try:
            customer = Customer.objects.get(pk=customer_id)
        except (Customer.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("That customer does not exist."), code="not_found") from None
        if contract_id is not None:
            try:
                belongs = Contract.objects.filter(pk=int(contract_id), customer=customer).exists()
            except (TypeError, ValueError):
                belongs = False
            if not belongs:
                raise ServiceError(_("That contract is not this customer's."), code="contract")

        def create() -> Claim:
            now = timezone.now()
            claim = Claim.objects.create(
                customer=customer,
                contract_id=contract_id,
                agent=user,
                phone_call=phone_call_current(agent=user),
                subject=subject,
                received_at=now,
                last_activity_at=now,
                next_contact_due=now + timedelta(days=settings.CLAIMS_INTERIM_CONTACT_DAYS),
            )
            audit_record(subject=claim, action=AuditAction.OPEN, target=claim.state, user=user)
            return claim

        return submission_once(
            kind="claim.open", key=submission, user=user, model=Claim, create=create
        )
