"""One input guard for the whole desk, before any view, form or query sees the request.

PostgreSQL cannot store NUL, and no field of the desk has a use for control characters
other than tab and line breaks in multi-line text. Rather than each form and each
query-parameter reader remembering that, this middleware refuses such a request outright:
400 with a message saying what was wrong, nothing read, nothing changed. It also caps the
length of any single value, so no text reaches a service or the database unbounded.
"""

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from core.http import error_page
from core.text import CONTROL, CONTROL_IN_URL


def accepts_long_input(max_length: int):
    """Mark a view whose form carries one long value (a CSV pasted or carried back for its
    dry run): the guard allows it up to `max_length` instead of INPUT_MAX_FIELD_LENGTH."""

    def mark(view):
        view.input_max_length = max_length
        return view

    return mark


def _field_limit(request) -> int:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return settings.INPUT_MAX_FIELD_LENGTH
    return getattr(view, "input_max_length", settings.INPUT_MAX_FIELD_LENGTH)


def _values(querydict):
    for key, values in querydict.lists():
        yield key
        yield from values


def input_problem(request) -> str:
    """What makes the request unacceptable, in the reader's language, or ''."""
    url_values = [request.path, *_values(request.GET), *request.COOKIES.keys()]
    url_values += request.COOKIES.values()
    if any(CONTROL_IN_URL.search(value) for value in url_values):
        return _("The address contains control characters (such as NUL) the desk cannot accept.")
    longest_query = max((len(v) for v in _values(request.GET)), default=0)
    if longest_query > settings.INPUT_MAX_QUERY_LENGTH:
        return _("A search or filter value is longer than %(max)s characters.") % {
            "max": f"{settings.INPUT_MAX_QUERY_LENGTH:,}"
        }
    if request.method == "POST":
        fields = list(_values(request.POST))
        if any(CONTROL.search(value) for value in fields):
            return _("A field contains control characters (such as NUL) the desk cannot store.")
        longest = max((len(v) for v in fields), default=0)
        if longest > settings.INPUT_MAX_FIELD_LENGTH and longest > (limit := _field_limit(request)):
            return _("A field is longer than %(max)s characters.") % {"max": f"{limit:,}"}
    return ""


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Placed before the session is read (a cookie is a query too), so the language comes
        # from the request itself: the language cookie, else the browser's.
        with translation.override(translation.get_language_from_request(request)):
            problem = input_problem(request)
            if problem:
                return error_page(request, 400, message=f"{problem} {_('Nothing was changed.')}")
        return self.get_response(request)
