"""Redirects that can only stay on the desk."""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
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
