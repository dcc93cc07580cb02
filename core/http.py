"""Answers the desk gives outside a view's own page: redirects that stay on the desk, and the
error pages (rendered without the request context, so they answer with the database down)."""

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


def error_page(request, status: int, *, message: str = "") -> HttpResponse:
    """The error page for `status`, with a message for the reader when there is one."""
    body = loader.get_template(f"errors/{status}.html").render(
        {"message": message, "status": status}
    )
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
