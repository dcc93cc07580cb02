"""What an endpoint must be, shared by the form and the services (the REST API calls the
services directly, so every rule is checked there too). Each check returns the problem in
words, or None."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from webhooks.choices import EventType

NAME_MAX = 100
URL_MAX = 500
DESCRIPTION_MAX = 2000
_URL = URLValidator(schemes=["http", "https"])


def name_problem(name: str) -> str | None:
    if not name.strip():
        return _("Give the endpoint a name.")
    if len(name) > NAME_MAX:
        return _("A name is at most %(n)d characters.") % {"n": NAME_MAX}
    return None


def url_problem(url: str) -> str | None:
    """An absolute http(s) URL with a host, no user name or password in it (secrets go in
    the signing secret, not the address), and nothing a header could not carry."""
    if not url.strip():
        return _("Give the URL the events are sent to.")
    if len(url) > URL_MAX:
        return _("A URL is at most %(n)d characters.") % {"n": URL_MAX}
    if url != url.strip() or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return _("A URL cannot contain spaces or control characters.")
    try:
        _URL(url)
        parts = urlsplit(url)
    except (ValidationError, ValueError):
        return _("Enter a full http:// or https:// URL, such as https://crm.example.com/hooks.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the URL.")
    return None


def description_problem(description: str) -> str | None:
    if len(description) > DESCRIPTION_MAX:
        return _("A description is at most %(n)d characters.") % {"n": DESCRIPTION_MAX}
    return None


def event_types_problem(event_types: list[str]) -> str | None:
    """An empty list is every type; otherwise each must be one the desk sends."""
    unknown = [value for value in event_types if value not in EventType.values]
    if unknown:
        shown = ", ".join(str(value)[:40] for value in unknown[:5])
        return _("Unknown event types: %(types)s.") % {"types": shown}
    return None
