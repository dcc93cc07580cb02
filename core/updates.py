"""Update checks that cost nothing while nothing changed: versions in Redis, a signed token
in the poll, and a middleware that answers before the session or PostgreSQL is touched.

Every record a live screen shows has a *version* in Redis (`update_key`): a random value
replaced, when a transaction that changed the record commits, by `updates_bump`. The audit
trail bumps its subject (and the subject's customer) for every audited change, so each
service that changes a screen bumps by writing its audit entry; the few unaudited changes
(the notes typed on a call) bump themselves.

A screen, when drawn, reads the versions of what it shows *before* it reads the database
(`update_check_issue`) and hands the browser a signed token: this path, these versions,
this session, issued now. The poll sends the token back (`check=`); `UpdateCheckMiddleware`
answers 204 when every version is still the one in the token, with one Redis round trip and
no session, user or query. Anything else (a version moved, the token is older than its
`max_age`, Redis is down, the token is not for this path or session) goes on to the view,
which compares the screen's content hash as before and hands out a fresh token. So a
change reaches the screen at the next poll, and even a change that forgot to bump is
caught by the content hash within `CHECK_MAX_AGE`.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import models, transaction
from django.http import HttpResponse

logger = logging.getLogger(__name__)

SALT = "core.updates.check"
KEY_SECONDS = 6 * 3600  # a version nobody read for this long is dropped; reading makes a new one
CHECK_MAX_AGE = 30  # seconds: how old a token may be before the view checks the content hash
CHECK_HEADER = "RD-Check"  # a poll's answer carries the fresh token here (desk.js keeps it)


def update_key(subject: models.Model | type[models.Model], pk=None) -> str:
    """The version key of one record: `upd:<app_label.model>:<pk>`."""
    meta = subject._meta
    return f"upd:{meta.label_lower}:{subject.pk if pk is None else pk}"


def customer_key(customer_id) -> str:
    return f"upd:customers.customer:{customer_id}"


CATALOG_KEY = "upd:catalog"  # offers, reasons, scripts, battlecards, the playbook

# The supervisors' screens show many records each, so each has one version for all it shows.
QUEUE_KEY = "upd:queue"  # what waits for a supervisor (desk/views/approvals.py)
FLOOR_KEY = "upd:floor"  # every agent's live calls and open claims, the calls waiting
# What each is made of (`app_label.model`). Any change to one of these moves the screen: a
# queue row comes, goes or changes with nearly any step (a claim's step clears its idle
# flag, any step of a call a manager was asked for shows), and the floor shows every call.
QUEUE_SUBJECTS = frozenset(
    {"cancellations.cancellationrequest", "claims.claim", "claims.compensation"}
)
FLOOR_SUBJECTS = frozenset({"cancellations.cancellationrequest", "claims.claim", "calls.calltask"})


def subject_keys(subject: models.Model) -> list[str]:
    """What a change to `subject` bumps: the record, and its customer's version (the screens
    about that customer show its calls, contracts and claims)."""
    keys = [update_key(subject)]
    customer_id = getattr(subject, "customer_id", None)
    if customer_id is not None:
        keys.append(customer_key(customer_id))
    return keys


def desk_keys(subject: models.Model) -> list[str]:
    """The supervisors' screens a change to `subject` moves (the queue, the floor)."""
    label = subject._meta.label_lower
    return [
        key
        for key, subjects in ((QUEUE_KEY, QUEUE_SUBJECTS), (FLOOR_KEY, FLOOR_SUBJECTS))
        if label in subjects
    ]


def _fresh() -> str:
    return secrets.token_hex(6)


def _write(keys: list[str]) -> None:
    try:
        cache.set_many({key: _fresh() for key in keys}, KEY_SECONDS)
    except Exception:  # Redis down: tokens cannot match, every poll goes to the content hash
        logger.warning("update versions not bumped (cache unavailable): %s", keys)


def updates_bump(keys: Iterable[str], *, at_once: bool = False) -> None:
    """Give these versions new values once the current transaction commits (at once when
    there is none); a rolled-back change bumps nothing. With `at_once`, also now: for what
    a process keeps loaded by version (the live catalog, the roles), so a reader inside this
    transaction, or a test that never commits, sees the change too; what another reader
    loaded in between under that value is dropped at the commit's bump."""
    keys = sorted(set(keys))
    if keys:
        if at_once:
            _write(keys)
        transaction.on_commit(lambda: _write(keys), robust=True)


def updates_read(keys: list[str]) -> dict[str, str] | None:
    """The current versions (a missing one is created), or None when Redis is down. Read it
    before the database, so a change committed in between is seen as a new version later."""
    try:
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, _fresh(), KEY_SECONDS)
        if len(found) < len(keys):
            found = cache.get_many(keys)
    except Exception:
        return None
    if len(found) < len(keys):
        return None
    return found


class KeptByVersion:
    """What a process keeps while a version in Redis stands (the live catalog, people's
    access): `get(version, key, load)` gives what was loaded under this version for `key`,
    loading it otherwise; a new version drops all that was kept under the old one. Read the
    version before the database, so what is kept is never older than its version. Shared by
    every request and thread of the process: never change what it gives."""

    def __init__(self) -> None:
        self._kept: dict[str, dict] = {}

    def get(self, version: str, key, load: Callable[[], object]):
        kept = self._kept.get(version)
        if kept is None:
            self._kept.clear()
            kept = self._kept.setdefault(version, {})
        if key not in kept:
            kept[key] = load()
        return kept[key]


def _session_mark(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:16]


def update_check_token(request, versions: dict, *, path: str = "", max_age: int = 0) -> str:
    """A signed token for a poll of `path` (this request's) that may be answered 204 while
    `versions` hold (a value None: while the key is absent), for this session only."""
    session = getattr(request, "session", None)
    payload = {
        "p": path or request.path,
        "k": versions,
        "s": _session_mark(session.session_key if session is not None else ""),
        "m": max_age or CHECK_MAX_AGE,
        "t": int(time.time()),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


class UpdateCheck:
    """The versions one screen shows, read in the order the screen reads the database (a
    record's own version before the record, its customer's once the record says which)."""

    def __init__(self, *keys: str):
        self.versions: dict[str, str] = {}
        self.readable = True
        self.read(*keys)

    def read(self, *keys: str) -> "UpdateCheck":
        found = updates_read(list(keys)) if self.readable else None
        if found is None:
            self.readable = False
        else:
            self.versions.update(found)
        return self

    def token(self, request, path: str) -> str:
        """The poll's token, or '' when Redis could not be read (the poll then compares
        content hashes, as it always may)."""
        if not self.readable or not self.versions:
            return ""
        return update_check_token(request, self.versions, path=path)


def _unchanged(request) -> bool:
    """Whether the poll's token still holds: for this path and session, young enough, and
    every version in Redis still the one it names."""
    try:
        payload = signing.loads(request.GET["check"], salt=SALT)
        path, versions, session = payload["p"], payload["k"], payload["s"]
        young = time.time() - float(payload["t"]) <= float(payload["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not (young and path == request.path and cookie and session == _session_mark(cookie)):
        return False
    if not isinstance(versions, dict) or not versions:
        return False
    try:
        current = cache.get_many(list(versions))
    except Exception:
        return False
    return all(current.get(key) == value for key, value in versions.items())


class UpdateCheckMiddleware:
    """Answers a poll whose token still holds with 204, before the session, the user or the
    database is read (see the module's docstring); every other request passes on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and "check" in request.GET and _unchanged(request):
            response = HttpResponse(status=204)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
