"""Every error the API gives is an RFC 9457 problem: `application/problem+json` with a
`type`, a `title`, the `status`, a `detail` for a person, a stable machine `code`, and, for
bad input, `errors`: one entry per field (and per row of a batch) with its own code."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ServiceError

PROBLEM_TYPE = "https://retention-desk.example/problems/"
CONTENT_TYPE = "application/problem+json"

_SERVICE_STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "already_open": 409}


def problem(
    status_code: int, code: str, detail: str, *, errors: list | None = None, headers=None
) -> Response:
    body = {
        "type": PROBLEM_TYPE + code,
        "title": _TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)
    return response


_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    503: "Service unavailable",
}


def _field_errors(detail, path: str = "") -> list[dict]:
    """DRF's nested validation detail, flattened to [{field, code, message}]."""
    if isinstance(detail, dict):
        out = []
        for name, item in detail.items():
            field = "" if name == "non_field_errors" else (f"{path}.{name}" if path else name)
            out += _field_errors(item, field if name != "non_field_errors" else path)
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            nested = isinstance(item, dict | list)
            out += _field_errors(item, f"{path}[{index}]" if nested else path)
        return out
    return [{"field": path, "code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def problem_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER."""
    if isinstance(exc, ServiceError):
        code = exc.code
        status_code = _SERVICE_STATUS.get(code, 400)
        errors = [
            item if isinstance(item, dict) else {"field": "", "code": code, "message": str(item)}
            for item in exc.details
        ]
        return problem(status_code, code, str(exc.message), errors=errors or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler answers it (as a problem, for /api/)
    headers = {
        name: value
        for name, value in response.items()
        if name in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_400_BAD_REQUEST,
            "invalid",
            "Some values are not valid; see errors.",
            errors=_field_errors(exc.detail),
        )
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = code if isinstance(code, str) else "error"
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.Throttled):
        detail = f"Too many requests for this key: try again in {exc.wait:.0f} s."
        code = "rate_limited"
    return problem(response.status_code, code, str(detail), headers=headers)
