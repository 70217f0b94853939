"""`postlink list` and `postlink status` as plain lines (one row per line, grep-friendly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def article_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """One line per article: id, versions, counts of its latest version, date, URL, title."""
    out = []
    for r in rows:
        date = (r["published"] or r["first_seen"] or "")[:10]
        title = f"  {r['title']}" if r["title"] else ""
        out.append(f"article {r['id']} v{r['versions'] or 0}  {r['posts']} posts  "
                   f"{r['citations']} citations  {r['unmatched_quotes']} unmatched  {date}  "
                   f"{r['url']}{title}")
    return out


def status_lines(sources: Sequence[dict[str, Any]], queue: dict[str, int],
                 errors: Sequence[dict[str, Any]]) -> list[str]:
    """Sources with their due times and queues, the queue's totals, the latest failures."""
    out = [f"sources: {len(sources)}"]
    for s in sources:
        state = "enabled" if s["enabled"] else "disabled"
        interval = f"{s['interval']:.0f}s" if s["interval"] is not None else "-"
        out.append(f"  {s['name']}  {state}  status={s['status'] or 'never polled'}  "
                   f"last polled {s['last_polled'] or '-'}  next due {s['next_due'] or 'now'}  "
                   f"interval {interval}  pending {s['pending']}  failed {s['failed']}")
        if s["error"]:
            out.append(f"    error: {s['error']}")
    out.append(f"queue: {queue['pending']} pending, {queue['failed']} failed")
    if errors:
        out.append("last errors:")
        out.extend(f"  {e['updated_at'] or '-'} {e['url']}: {e['error'] or 'failed'} "
                   f"(attempts {e['attempts']})" for e in errors)
    return out
