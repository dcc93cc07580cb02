"""Error pages that show nothing of the inside, in the reader's language.

They render without the request context (no user, no session, no query), so they still
answer when the database is the thing that failed. A database that cannot be reached, or a
connection pool with nothing free, is an outage to wait out, not a bug: 503 with
Retry-After, and the next request after the database is back is served as usual.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from core.http import error_page

log = logging.getLogger(__name__)


def database_unavailable(error: BaseException | None) -> bool:
    """An outage of the database (or no free pooled connection), not a bug in a query."""
    return isinstance(error, (OperationalError, InterfaceError))


@requires_csrf_token
def bad_request(request, exception=None):
    return error_page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return error_page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return error_page(request, 404)


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if database_unavailable(error):
        log.warning("database unavailable: %s", error.__class__.__name__)
        return error_page(request, 503, message=_("The desk cannot reach its database."))
    return error_page(request, 500)


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        message=_("This form had expired. Reload the page and send it again; nothing was changed."),
    )
