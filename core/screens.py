"""Live screens: what a polled screen shows, and whether it changed since it was drawn.

A live screen (the two consoles, the supervisor queue, the floor, my calls) is drawn in two
parts: the *screen*, everything on it that another person or a task can change, and the
*frame* around it that polls. The screen's version is a hash of the screen as drawn, so
whatever it shows (a decision, a compensation, a hand-over, another person's notes, a
call's status) is in the version by construction: a new field cannot be forgotten. What
differs between two drawings of the same thing is left out of the hash: CSRF tokens and
one-time form keys (new on every drawing) and waiting times, which the browser ticks.

The poll answers 204 while the version is the one the browser has, else the new frame.
Most polls never reach the view: a screen drawn with a `check` token (`core.updates`) is
answered 204 by a middleware while the versions of what it shows stand; the view's hash
comparison is what is left when they moved, the token aged, or Redis is away.

A screen made only of records that have versions (the consoles) is also *kept* once drawn
(`screen_draw_kept`): in Redis, under those versions, the viewer (who they are and what they
may do), their language, time zone and day, for at most `SCREEN_SECONDS`. The next page or
poll with the same versions takes it instead of reading and drawing it again, with this
request's CSRF token and new one-time form keys put in. What can move without a version (the
clock, the acceptance rates other calls move) is so at most `SCREEN_SECONDS` old, the age a
poll's token may have; the services still check the state a step was taken from.
"""

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core.updates import CHECK_HEADER, UpdateCheck

logger = logging.getLogger(__name__)

# Drawn anew each time though nothing changed: left out of the version.
_FRESH_VALUES = re.compile(r'(name="(?:csrfmiddlewaretoken|submission)" value=)"[^"]*"')
_TICKING = re.compile(r'(<[^>]*\sdata-waited="[^"]*"[^>]*>)[^<]*')
# Not content: the waiting time's attribute, and where the focus goes after the agent's step.
_WAITED = re.compile(r'\sdata-(?:waited="[^"]*"|focus(?:="[^"]*")?)')


def screen_version(html: str) -> str:
    stable = _TICKING.sub(r"\1", html)
    stable = _WAITED.sub("", stable)
    stable = _FRESH_VALUES.sub(r"\1", stable)
    return hashlib.sha1(stable.encode()).hexdigest()[:16]


def screen_draw(request, screen: str, context: dict, *, prefix: str = "") -> dict:
    """`context` with the screen drawn (`screen`) and its `version` (`prefix` first)."""
    body = render_to_string(screen, context, request=request)
    return {**context, "screen": mark_safe(body), "version": prefix + screen_version(body)}


SCREEN_SECONDS = 30  # how long a drawn screen is kept: core.updates.CHECK_MAX_AGE
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"')
_SUBMISSION_VALUE = re.compile(r'(name="submission" value=)"[^"]*"')


def _kept_key(screen: str, prefix: str, versions: dict, viewer: str) -> str:
    parts = [
        screen,
        prefix,
        sorted(versions.items()),
        viewer,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
    ]
    return "screen:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def _fresh_values(request, html: str) -> str:
    """A kept screen with this request's CSRF token and new one-time form keys."""
    token = get_token(request)
    html = _CSRF_VALUE.sub(lambda found: f'{found.group(1)}"{token}"', html)
    return _SUBMISSION_VALUE.sub(lambda found: f'{found.group(1)}"{uuid.uuid4()}"', html)


def screen_draw_kept(
    request,
    screen: str,
    build: Callable[[], dict],
    *,
    check: UpdateCheck,
    viewer: str,
    prefix: str = "",
) -> dict:
    """`{"screen", "version"}` as `screen_draw` gives them for the context `build()` makes,
    kept (see the module's docstring) when every record the screen shows has a version in
    `check` (read before the database) and `viewer` names who looks and what they may do.
    With Redis away the screen is drawn every time."""
    if not check.readable or not check.versions:
        return screen_draw(request, screen, build(), prefix=prefix)
    key = _kept_key(screen, prefix, check.versions, viewer)
    try:
        kept = cache.get(key)
    except Exception:
        kept = None
    if kept is not None:
        return {
            "screen": mark_safe(_fresh_values(request, kept["html"])),
            "version": kept["version"],
        }
    drawn = screen_draw(request, screen, build(), prefix=prefix)
    try:
        cache.set(key, {"html": str(drawn["screen"]), "version": drawn["version"]}, SCREEN_SECONDS)
    except Exception:
        logger.warning("screen not kept (cache unavailable): %s", key)
    return drawn


def screen_poll(
    request, *, screen: str, frame: str, context: dict, target: str, prefix="", drawn=None
):
    """The poll: 204 while the browser's `seen` is the screen's version, else the frame.
    The 204 carries the screen's fresh update-check token (`context["check"]`), if any.
    `drawn`: the screen already drawn (or kept), else it is drawn from `context`."""
    drawn = {**context, **(drawn or screen_draw(request, screen, context, prefix=prefix))}
    if request.GET.get("seen") == drawn["version"]:
        response = HttpResponse(status=204)
        if context.get("check"):
            response[CHECK_HEADER] = context["check"]
        return response
    response = render(request, frame, drawn)
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response


def screen_page(request, *, page: str, name: str, context: dict, prefix: str = ""):
    """A live page whose poll is the page's own URL: `page#name` is the frame and
    `page#name-screen` the screen. A poll (htmx with `seen`) is answered by `screen_poll`;
    another htmx request gets the frame; a browser, the whole page."""
    screen, frame = f"{page}#{name}-screen", f"{page}#{name}"
    if request.htmx and "seen" in request.GET:
        return screen_poll(
            request, screen=screen, frame=frame, context=context, target=f"#{name}", prefix=prefix
        )
    drawn = screen_draw(request, screen, context, prefix=prefix)
    return render(request, frame if request.htmx else page, drawn)


def screen_handed_away(request, subject, *, target: str = "#console"):
    """What a poll answers once the call or claim on screen was given to someone else (the
    viewer may no longer see it): who handles it now, and nothing of the call itself."""
    handler = subject.agent.display_name if subject.agent_id else ""
    response = render(request, "core/includes/handed_away.html", {"handler": handler})
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response
