"""When to retry a request and how long to wait: capped exponential backoff and Retry-After.

Transient: connection errors, timeouts, 5xx, 429. Not transient (never retried): a host that
does not exist, 404/410 and other 4xx, a refusal by the address guard, an oversized body.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each time
BACKOFF_CAP = 30.0  # longest backoff between two attempts
RETRY_AFTER_CAP = 60.0  # a longer Retry-After is not waited for: the attempt fails instead


def retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff(attempt: int, asked: float | None = None) -> float | None:
    """Seconds to wait before retry number ``attempt`` (1-based), or None to stop retrying
    because the server asked for longer than RETRY_AFTER_CAP."""
    if asked is not None:
        return asked if asked <= RETRY_AFTER_CAP else None
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return delay * random.uniform(0.8, 1.0)  # jitter: retries from many links do not align
