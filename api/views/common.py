"""What every endpoint's schema says about errors: each is a problem document (RFC 9457)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

PROBLEM = OpenApiResponse(
    description="A problem (RFC 9457): `type`, `title`, `status`, `detail`, a stable `code`, "
    "and `errors` (field, code, message; row for a batch) for bad input."
)


def errors(*statuses: int) -> dict:
    """The problem responses of an operation: 400, 401, 403 and 429 always, plus `statuses`."""
    return dict.fromkeys(sorted({400, 401, 403, 429, *statuses}), PROBLEM)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID): a retry with the same key and body is answered "
    "as the first request was, without doing it again (header `Idempotent-Replayed: true`).",
)
