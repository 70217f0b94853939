"""URL canonicalisation (tracking parameters stripped) and URLs in plain text."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameter names that never identify content, on any host (ClearURLs' global rules, trimmed).
_GLOBAL_TRACKERS = re.compile(
    r"^(utm_.*|mtm_.*|ga_.*|_ga|_gl|itm_(campaign|medium|source)|fbclid|gclid|dclid|msclkid|"
    r"twclid|yclid|srsltid|mc_cid|mc_eid|mc_tc|mkt_tok|igshid|igsh|_hsenc|__hssc|__hstc|__hsfp|"
    r"hsctatracking|ref_src|ref_url|cmpid|s_cid|spm|__twitter_impression)$",
    re.I,
)
# Per-host extras: on X, `s` and `t` are share tokens; on YouTube `t` is a timestamp (kept).
_HOST_TRACKERS = {
    "x": re.compile(r"^(s|t|src|cn|ref_src|ref_url)$"),
    "youtube": re.compile(r"^(feature|kw|si|pp)$"),
}
_X_HOSTS = ("twitter.com", "x.com")
_YOUTUBE_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")


def _host_rules(host: str) -> re.Pattern[str] | None:
    if any(host == h or host.endswith("." + h) for h in _X_HOSTS):
        return _HOST_TRACKERS["x"]
    if any(host == h or host.endswith("." + h) for h in _YOUTUBE_HOSTS):
        return _HOST_TRACKERS["youtube"]
    return None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, default ports and tracking parameters."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    if parts.scheme.lower() not in ("http", "https"):
        return url.strip()
    scheme = parts.scheme.lower()
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    host_rules = _host_rules(host)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _GLOBAL_TRACKERS.match(k) and not (host_rules and host_rules.match(k))
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


# A URL in running text; stops before trailing punctuation that usually ends the sentence.
_TEXT_URL = re.compile(
    r"(?:https?://|(?<![\w.])(?:pic\.twitter\.com|t\.co|bit\.ly|youtu\.be)/)[^\s<>\"'“”‘’)\]]+",
    re.I,
)


def find_text_urls(text: str) -> list[tuple[str, int, int]]:
    """URLs written out in plain text, as (url, start, end); bare pic.twitter.com gets https://."""
    found = []
    for m in _TEXT_URL.finditer(text):
        raw = m.group(0).rstrip(".,;:!?…")
        end = m.start() + len(raw)
        url = raw if raw.lower().startswith("http") else "https://" + raw
        found.append((url, m.start(), end))
    return found
