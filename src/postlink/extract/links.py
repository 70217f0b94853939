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
# Per-host extras (reference/platforms.md §14). On X, `s` and `t` are share tokens; on YouTube
# `t` is a timestamp and is kept. Identity parameters (YouTube `v`, Facebook `story_fbid`, `id`,
# `fbid`, `v`, plugin `href`) never match these.
_HOST_TRACKERS = {
    "x": re.compile(r"^(s|t|src|cn|ref_src|ref_url)$"),
    "youtube": re.compile(r"^(feature|kw|si|pp|gclid)$"),
    "instagram": re.compile(r"^(igshid|igsh|img_index)$"),
    "threads": re.compile(r"^(xmt|slof|igshid)$"),
    "bluesky": re.compile(r"^(ref_src)$"),
    # ClearURLs strips any name containing "ref" on facebook.com; `href` (the post URL in a
    # plugin iframe) must survive, hence the lookahead.
    "facebook": re.compile(
        r"^(hc_.*|(?!href$).*ref.*|__tn__|eid|__xts__.*|__cft__.*|comment_tracking|dti|app|"
        r"video_source|ftentidentifier|pageid|padding|ls_ref|action_history|tracking|"
        r"referral_code|referral_story_type|eav|sfnsn|idorvanity|wtsid|rdc|rdr|paipv|_nc_x|"
        r"_rdr|mibextid|set|type|notif_id|notif_t)$"
    ),
    "tiktok": re.compile(
        r"^(u_code|preview_pb|_d|_t|_r|timestamp|user_id|share_app_name|share_iid|source|"
        r"refer|is_from_webapp|sender_device|is_copy_url|web_id|lang)$"
    ),
    "reddit": re.compile(
        r"^(\$deep_link|correlation_id|ref_campaign|ref_source|\$3p|rdt|\$original_url|"
        r"_branch_match_id|share_id|utm_name|ref)$"
    ),
    "linkedin": re.compile(r"^(refId|trk|li[a-z]{2}|trackingId|rcm)$"),
}
# host suffix -> rule name; a host matches itself and its subdomains
_HOST_RULES = (
    (("twitter.com", "x.com"), "x"),
    (("youtube.com", "youtu.be", "youtube-nocookie.com"), "youtube"),
    (("instagram.com",), "instagram"),
    (("threads.net", "threads.com"), "threads"),
    (("bsky.app",), "bluesky"),
    (("facebook.com",), "facebook"),
    (("tiktok.com",), "tiktok"),
    (("reddit.com",), "reddit"),
    (("linkedin.com",), "linkedin"),
)


def _host_rules(host: str) -> re.Pattern[str] | None:
    for suffixes, name in _HOST_RULES:
        if any(host == h or host.endswith("." + h) for h in suffixes):
            return _HOST_TRACKERS[name]
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
    r"(?:https?://|(?<![\w.])(?:pic\.twitter\.com|t\.co|bit\.ly|youtu\.be)/)[^\s<>\"'“”‘’)\[\]]+",
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
