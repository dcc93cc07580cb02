"""Answers the desk gives outside a view's own page: redirects that stay on the desk, and the
error pages (rendered without the request context, so they answer with the database down)."""

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def local_redirect(request, candidate: str | None, fallback: str = "home") -> HttpResponseRedirect:
    """Redirect to `candidate` when it is a path on this site (`/desk/...`), else to
    `fallback` (a URL name). Never reversed as a view name, never another host or scheme."""
    candidate = candidate or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(candidate)
    return HttpResponseRedirect(resolve_url(fallback))


RETRY_AFTER_SECONDS = 5


_API_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    500: "error",
    503: "unavailable",
}
_API_DETAILS = {
    400: "The request could not be read.",
    403: "Not allowed.",
    404: "There is nothing at this address.",
    500: "Something went wrong on the desk's side; nothing was changed.",
    503: "The desk cannot reach its database just now; try again shortly.",
}


def _api_problem(status: int, message: str) -> HttpResponse:
    """For an API client, the error as a problem (RFC 9457), never an HTML page."""
    code = _API_CODES.get(status, "error")
    body = {
        "type": f"https://retention-desk.example/problems/{code}",
        "title": HttpResponse(status=status).reason_phrase,
        "status": status,
        "detail": message or _API_DETAILS.get(status, ""),
        "code": code,
    }
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def error_page(request, status: int, *, message: str = "") -> HttpResponse:
    """The error page for `status`, with a message for the reader when there is one (for
    the API, the same as a problem in JSON)."""
    if request is not None and request.path.startswith(settings.API_PATH_PREFIX):
        response = _api_problem(status, message)
    else:
        body = loader.get_template(f"errors/{status}.html").render(
            {"message": message, "status": status}
        )
        response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
