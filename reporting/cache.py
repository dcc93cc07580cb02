"""The dashboards' data kept in the cache (Redis), under what it was computed from.

A tab's data (its tables, charts, headline figures, `as_of` and the filter bar's choices)
is kept under a key made of:

- the facts' version (`FACTS_KEY`), moved by every `facts_refresh` (every two minutes),
  whether or not it added anything: the win-back tab reads the win-back cases, the
  satisfaction tab the surveys, the coaching tab the surveys' scores, and every tab names
  agents, teams and products from their own tables, all of them live; so nothing kept
  outlives one refresh (`DASHBOARD_SECONDS` is only a backstop for a beat that stopped);
- the catalog's version (`CATALOG_KEY`): reason and offer names, the A/B tests' arms;
- the tab, every field of the parsed filters (the resolved period: the default one moves
  with the day) and today (re-churn and intensive-care retention count back from it);
- the language (every text is translated when computed and kept as a str) and the time
  zone (each person's own: today, and the days the surveys were answered on, are its).

Beyond their language and time zone, nothing kept depends on who looks: every supervisor
sees every team and agent (the coaching tab included), and the permission is checked before
the cache is read. The rendered page is not kept (it carries the CSRF token and the
viewer's name), nor the coaching note's list of agents (a form: read on every view). The
versions are read before the database, so data computed while a refresh commits is kept
under a version the commit replaces. With Redis away the data is computed on every view.
"""

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone, translation

from core.updates import CATALOG_KEY, updates_read
from reporting.analytics.filters import Filters
from reporting.services.facts import FACTS_KEY

logger = logging.getLogger(__name__)

DASHBOARD_SECONDS = 600
# Part of the key: change it when what a tab's data holds changes shape, so a page of the
# new code never reads what the old code kept.
_SHAPE = 1
_NOT_KEYS = {"errors", "memo"}  # what the page says about the query string; a page's memo


def _key(tab: str, filters: Filters, versions: dict[str, str]) -> str:
    parts = {
        "shape": _SHAPE,
        "tab": tab,
        "language": translation.get_language(),
        "time_zone": timezone.get_current_timezone_name(),
        "today": timezone.localdate(),
        "facts": versions[FACTS_KEY],
        "catalog": versions[CATALOG_KEY],
        "filters": {
            f.name: getattr(filters, f.name)
            for f in dataclasses.fields(filters)
            if f.name not in _NOT_KEYS
        },
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"dash:{tab}:{digest[:32]}"


def dashboard_data(*, tab: str, filters: Filters, compute: Callable[[], dict]) -> dict:
    """The tab's data as `compute()` returns it, from the cache when it was computed for the
    same facts, catalog, tab, filters, day, language and time zone. `compute` must return
    what pickles and holds no lazy translation (a str in the active language)."""
    versions = updates_read([FACTS_KEY, CATALOG_KEY])
    if versions is None:
        return compute()
    key = _key(tab, filters, versions)
    try:
        kept = cache.get(key)
    except Exception:  # Redis went away meanwhile, or kept what this code cannot read
        logger.warning("dashboard data not read from the cache: %s", key, exc_info=True)
        kept = None
    if kept is not None:
        return kept
    data = compute()
    try:
        cache.set(key, data, DASHBOARD_SECONDS)
    except Exception:
        logger.warning("dashboard data not kept in the cache: %s", key, exc_info=True)
    return data
