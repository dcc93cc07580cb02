"""The base of every endpoint: keys and scopes, the per-key limit, and for a write one
transaction around the whole request (an error answer rolls everything back), every audit
entry written meanwhile naming the key, and one entry for the request itself. POSTs that
create honour `Idempotency-Key` (`idempotent`)."""

import hashlib
import json
from functools import wraps

from django.db import connection, transaction
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.models import ApiKey, IdempotentRequest
from api.rest.errors import problem
from core.choices import AuditAction
from core.services.audit import audit_actor_reset, audit_actor_set, audit_record
from core.text import CONTROL

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def english_unless_asked(request) -> None:
    """The API (and its schema) speaks English; a client that sends Accept-Language gets
    that language, as the locale middleware chose it."""
    if "HTTP_ACCEPT_LANGUAGE" not in request.META:
        translation.activate("en")
        request.LANGUAGE_CODE = "en"


class ApiView(GenericAPIView):
    """`scopes` maps a method (or "*") to the scope it needs."""

    scopes: dict[str, str] = {}
    _actor_token = None

    def dispatch(self, request, *args, **kwargs):
        english_unless_asked(request)
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiKey) and request.method not in SAFE_METHODS:
            self._actor_token = audit_actor_set(api_key=request.auth.prefix)

    def finalize_response(self, request, response, *args, **kwargs):
        if self._actor_token is not None:
            audit_actor_reset(self._actor_token)
            self._actor_token = None
            # A replayed answer (Idempotency-Key) did nothing, so there is nothing to audit.
            if response.status_code < 400 and not response.has_header("Idempotent-Replayed"):
                audit_record(
                    subject=request.auth,
                    action=AuditAction.API_WRITE,
                    user=None,
                    data={
                        "api_key": request.auth.prefix,
                        "method": request.method,
                        "path": request.path[:200],
                        "status": response.status_code,
                    },
                )
        return super().finalize_response(request, response, *args, **kwargs)


IDEMPOTENCY_HEADER = "Idempotency-Key"


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(handler):
    """For a POST that creates: the same `Idempotency-Key` (per API key) with the same body
    answers what the first request answered, without doing it again; with another body it is
    refused. Two at once: the second waits on the key's unique index for the first to commit,
    then replays it. A request answered with an error leaves no key (its transaction rolled
    back), so the corrected request can use it."""

    @wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not key or len(key) > 255 or CONTROL.search(key):
            raise ValidationError({IDEMPOTENCY_HEADER: ["1 to 255 printable characters."]})
        fingerprint = _fingerprint(request)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO api_idempotentrequest (api_key_id, key, fingerprint, created_at) "
                "VALUES (%s, %s, %s, now()) ON CONFLICT DO NOTHING RETURNING id",
                [request.auth.pk, key, fingerprint],
            )
            row = cursor.fetchone()
        if row is None:
            earlier = IdempotentRequest.objects.get(api_key=request.auth, key=key)
            if earlier.fingerprint != fingerprint:
                return problem(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used for a different request.",
                )
            replay = Response(earlier.body, status=earlier.status_code)
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = handler(view, request, *args, **kwargs)
        if response.status_code < 400:
            IdempotentRequest.objects.filter(pk=row[0]).update(
                status_code=response.status_code,
                body=json.loads(JSONRenderer().render(response.data)),
            )
        return response

    return wrapped


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English like the API it describes."""

    def dispatch(self, request, *args, **kwargs):
        english_unless_asked(request)
        return super().dispatch(request, *args, **kwargs)
