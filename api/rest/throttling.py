"""Per-key rate limits, counted in Redis in one-minute windows. A key over its limit gets
429 with `Retry-After` (the seconds to the next window). With Redis down the request is
let through: the limit protects the desk, it must not take the API down with Redis."""

import logging
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from api.models import ApiKey

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60


class KeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        self._wait = (window + 1) * WINDOW_SECONDS - now
        name = f"api-rate:{key.pk}:{window}"
        try:
            # add() starts the window's count; incr() counts on (atomic in Redis).
            fresh = cache.add(name, 1, timeout=WINDOW_SECONDS * 2)
            count = 1 if fresh else cache.incr(name)
        except Exception:  # Redis down or slow: fail open, and say so in the log
            log.warning("rate limit not counted for key %s: the cache is unavailable", key.prefix)
            return True
        return count <= key.rate_limit_per_minute

    def wait(self) -> float:
        return max(self._wait, 1)
