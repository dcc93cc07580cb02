"""Creates that happen once per submitted form, whatever the race (issue: a double click or
twenty identical posts made two claims). The database decides: a unique (kind, key) row is
inserted in the same transaction as the create; a second insert of the key waits for the
first transaction and, once it has committed, finds the key taken and returns what it made.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.models import Submission

M = TypeVar("M", bound=models.Model)
KEEP_DAYS = 2


def submission_once(*, kind: str, key, user, model: type[M], create: Callable[[], M]) -> M:
    """Run `create` once for (kind, key); the same key again returns the row it made.
    Call inside the service's transaction, before anything else is written, so a create
    that is refused leaves the key free for the corrected form. `key=None` (a caller
    inside the desk, not a form) always creates."""
    if key is None:
        return create()
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                kind=kind, key=key, user=user if user.is_authenticated else None
            )
    except IntegrityError:
        earlier = Submission.objects.filter(kind=kind, key=key).first()
        if earlier is None or earlier.user_id != user.pk or earlier.object_id is None:
            raise ServiceError(
                _("This form was already sent. Reload the page to send a new one."),
                code="submitted",
            ) from None
        return model.objects.get(pk=earlier.object_id)
    created = create()
    Submission.objects.filter(pk=submission.pk).update(object_id=created.pk)
    return created


def submissions_purge(*, now=None) -> int:
    """Forget keys older than a couple of days: no form stays open that long."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _by_model = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
