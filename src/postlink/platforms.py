"""Post URLs to canonical keys, and post ids to creation times.

A canonical key names one post whatever URL form pointed at it: ``x:1740000000000000000``.
Each platform is one parser function registered in ``_PARSERS``; a parser takes the lower-cased
host, the percent-decoded path and the query, and returns a PostRef or None.

Key formats (see reference/platforms.md §1-12):

    x:<status id>                       bsky:<did-or-handle>/<rkey>
    mastodon:<host>/<id>                truthsocial:<id>
    threads:<shortcode>                 instagram:<shortcode>
    facebook:<numeric id or pfbid…>     tiktok:<video id>
    youtube:<video id>                  reddit:<post id>[/<comment id>]
    linkedin:<id>                       telegram:<channel>/<message id>

Every ``PostRef.permalink`` parses back to the same key (keys are idempotent).

Mastodon is special: ``https://anyhost/@user/123`` is also the shape of many non-Mastodon URLs
(a blog's ``/@author/2024`` page, for example), so a bare URL is accepted as a Mastodon post only
on a known instance host (``MASTODON_HOSTS``) or when the caller has other evidence that the URL
is fediverse (``fediverse=True``: an embed carrying Mastodon markers such as
``blockquote.mastodon-embed``, ``iframe.mastodon-embed`` or an ``/@user/ID/embed`` source).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

X_EPOCH_MS = 1288834974657  # twitter snowflake epoch, 2010-11-04T01:42:54.657Z
INSTAGRAM_EPOCH_MS = 1314220021721  # 2011-08-24T21:07:01.721Z (Instagram "Sharding & IDs")
_INSTAGRAM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # AT Protocol base32-sortable


@dataclass(frozen=True)
class PostRef:
    """What a post URL tells us: ``PostRef("x", "x:20", "https://twitter.com/jack/status/20", "jack")``."""

    platform: str
    key: str
    permalink: str
    handle: str | None = None


# -- X / Twitter ---------------------------------------------------------------------------

X_HOSTS = frozenset({
    "twitter.com", "www.twitter.com", "mobile.twitter.com", "m.twitter.com",
    "x.com", "www.x.com", "mobile.x.com",
    "fxtwitter.com", "vxtwitter.com", "fixupx.com", "fixvx.com",
})
_X_PATH = re.compile(
    r"^/(?:(?P<handle>[A-Za-z0-9_]{1,15})/status(?:es)?|i/web/status|i/status)/(?P<id>\d{1,20})(?:/|$)"
)
_X_RESERVED = frozenset({"i", "home", "search", "hashtag", "intent", "share", "explore", "settings"})


def _parse_x(host: str, path: str, query: str) -> PostRef | None:
    if host not in X_HOSTS:
        return None
    m = _X_PATH.match(path)
    if not m:
        return None
    handle = m.group("handle")
    if handle and handle.lower() in _X_RESERVED:
        handle = None
    status_id = m.group("id").lstrip("0") or "0"
    if handle:
        permalink = f"https://twitter.com/{handle}/status/{status_id}"
    else:
        permalink = f"https://twitter.com/i/web/status/{status_id}"
    return PostRef("x", f"x:{status_id}", permalink, handle)


# -- Bluesky -------------------------------------------------------------------------------

BSKY_HOSTS = frozenset({"bsky.app", "www.bsky.app", "staging.bsky.app", "main.bsky.dev"})
_BSKY_ACTOR = r"(?P<actor>did:[a-z]+:[A-Za-z0-9._:%-]+|[A-Za-z0-9.-]+\.[A-Za-z0-9-]+)"
_BSKY_RKEY = r"(?P<rkey>[A-Za-z0-9._~:-]{1,512})"
_BSKY_PATH = re.compile(rf"^/profile/{_BSKY_ACTOR}/post/{_BSKY_RKEY}/?$")
_BSKY_EMBED_PATH = re.compile(rf"^/embed/{_BSKY_ACTOR}/app\.bsky\.feed\.post/{_BSKY_RKEY}/?$")
_AT_URI = re.compile(rf"^at://{_BSKY_ACTOR}/app\.bsky\.feed\.post/{_BSKY_RKEY}/?$")


def _bsky_ref(actor: str, rkey: str) -> PostRef:
    # Handles are case-insensitive domain names; DIDs are case-sensitive except the method.
    actor = actor.lower() if not actor.startswith("did:") else actor
    handle = None if actor.startswith("did:") else actor
    return PostRef("bluesky", f"bsky:{actor}/{rkey}",
                   f"https://bsky.app/profile/{actor}/post/{rkey}", handle)


def _parse_bsky(host: str, path: str, query: str) -> PostRef | None:
    if host in BSKY_HOSTS:
        m = _BSKY_PATH.match(path)
    elif host == "embed.bsky.app":  # the iframe that embed.js swaps in
        m = _BSKY_EMBED_PATH.match(path)
    else:
        return None
    return _bsky_ref(m.group("actor"), m.group("rkey")) if m else None


# -- Mastodon and Truth Social ------------------------------------------------------------

# Large, long-lived instances, so that plain links to them count as posts (see module docstring).
MASTODON_HOSTS = frozenset({
    "mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "mastodon.world",
    "fosstodon.org", "hachyderm.io", "infosec.exchange", "techhub.social", "mastodon.cloud",
    "journa.host", "newsie.social", "mstdn.jp", "mastodon.art", "sfba.social", "aus.social",
    "universeodon.com", "mastodon.green", "social.vivaldi.net", "mindly.social", "masto.ai",
    "chaos.social", "mastodon.nl", "norden.social", "det.social", "troet.cafe", "c.im",
    "kolektiva.social", "ioc.exchange", "mathstodon.xyz", "social.coop", "qoto.org",
    "toot.community", "mastodon.scot", "mastodon.ie", "mastodonapp.uk", "mstdn.ca",
    "wandering.shop", "indieweb.social", "tech.lgbt", "sigmoid.social", "mastodon.xyz",
    "social.bund.de", "respublicae.eu", "social.network.europa.eu",
})
TRUTHSOCIAL_HOSTS = frozenset({"truthsocial.com", "www.truthsocial.com"})
# /@user/ID, /@user@remote.host/ID (a remote post seen on this server), /@user/ID/embed,
# and the ActivityPub form /users/user/statuses/ID.
_MASTODON_PATH = re.compile(
    r"^/(?:@(?P<user>[A-Za-z0-9_.-]{1,30})(?:@(?P<remote>[A-Za-z0-9.-]+))?|users/(?P<apuser>[A-Za-z0-9_.-]{1,30})/statuses)"
    r"/(?P<id>\d{1,20})(?:/embed)?/?$"
)
# /@user/ID, /@user/posts/ID, …/embed, and the ActivityPub form /users/user/statuses/ID that
# Truth Social (a Mastodon fork) also answers.
_TRUTH_PATH = re.compile(
    r"^/(?:@(?P<user>[A-Za-z0-9_.-]{1,30})/(?:posts/)?|users/(?P<apuser>[A-Za-z0-9_.-]{1,30})/statuses/)"
    r"(?P<id>\d{1,20})(?:/embed)?/?$"
)


def _parse_truthsocial(host: str, path: str, query: str) -> PostRef | None:
    if host not in TRUTHSOCIAL_HOSTS:
        return None
    m = _TRUTH_PATH.match(path)
    if not m:
        return None
    user, post_id = m.group("user") or m.group("apuser"), m.group("id").lstrip("0") or "0"
    return PostRef("truthsocial", f"truthsocial:{post_id}",
                   f"https://truthsocial.com/@{user}/posts/{post_id}", user)


def _parse_mastodon(host: str, path: str, query: str, *, fediverse: bool = False) -> PostRef | None:
    if not (fediverse or host in MASTODON_HOSTS) or not host or host in TRUTHSOCIAL_HOSTS:
        return None
    m = _MASTODON_PATH.match(path)
    if not m:
        return None
    user = m.group("user") or m.group("apuser")
    remote = m.group("remote")
    post_id = m.group("id").lstrip("0") or "0"
    # Ids are local to the server that shows them, so the key keeps the host we saw.
    at = f"@{user}@{remote}" if remote else f"@{user}"
    return PostRef("mastodon", f"mastodon:{host}/{post_id}", f"https://{host}/{at}/{post_id}",
                   f"{user}@{remote or host}")


# -- Threads and Instagram ----------------------------------------------------------------

THREADS_HOSTS = frozenset({"threads.net", "www.threads.net", "threads.com", "www.threads.com"})
_THREADS_PATH = re.compile(
    r"^/(?:@(?P<user>[A-Za-z0-9_.]{1,30})/post|t)/(?P<code>[A-Za-z0-9_-]{5,64})(?:/embed)?/?$"
)
INSTAGRAM_HOSTS = frozenset({"instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am",
                             "www.instagr.am"})
_INSTAGRAM_PATH = re.compile(
    r"^/(?:(?P<user>[A-Za-z0-9_.]{1,30})/)?(?:p|reel|reels|tv)/(?P<code>[A-Za-z0-9_-]{5,64})"
    r"(?:/(?:embed(?:/captioned)?|media|c/\d+)?)?/?$"
)
_INSTAGRAM_RESERVED = frozenset({"p", "reel", "reels", "tv", "explore", "stories", "accounts"})


def _parse_threads(host: str, path: str, query: str) -> PostRef | None:
    if host not in THREADS_HOSTS:
        return None
    m = _THREADS_PATH.match(path)
    if not m:
        return None
    user, code = m.group("user"), m.group("code")
    permalink = (f"https://www.threads.com/@{user}/post/{code}" if user
                 else f"https://www.threads.com/t/{code}")
    return PostRef("threads", f"threads:{code}", permalink, user)


def _parse_instagram(host: str, path: str, query: str) -> PostRef | None:
    if host not in INSTAGRAM_HOSTS:
        return None
    m = _INSTAGRAM_PATH.match(path)
    if not m:
        return None
    user = m.group("user")
    if user and user.lower() in _INSTAGRAM_RESERVED:
        return None
    code = m.group("code")
    return PostRef("instagram", f"instagram:{code}", f"https://www.instagram.com/p/{code}/", user)


# -- Facebook ------------------------------------------------------------------------------

FACEBOOK_HOSTS = frozenset({
    "facebook.com", "www.facebook.com", "m.facebook.com", "web.facebook.com",
    "mbasic.facebook.com", "touch.facebook.com", "business.facebook.com",
    "developers.facebook.com",  # seen in the cite attribute of real fb-post fallbacks
})
_FB_ID = r"(?P<id>\d{5,25}|pfbid0[A-Za-z0-9]{20,80})"
_FB_PAGE = r"(?P<page>[A-Za-z0-9.\-]{1,80})"
_FB_PATHS = (
    # (pattern, permalink template); {page} and {id} come from the match
    (re.compile(rf"^/{_FB_PAGE}/posts/(?:[^/]+/)?{_FB_ID}/?$"), "https://www.facebook.com/{page}/posts/{id}"),
    (re.compile(rf"^/groups/{_FB_PAGE}/(?:posts|permalink)/{_FB_ID}/?$"),
     "https://www.facebook.com/groups/{page}/posts/{id}"),
    (re.compile(rf"^/{_FB_PAGE}/videos/(?:[^/]+/)?{_FB_ID}/?$"), "https://www.facebook.com/{page}/videos/{id}"),
    (re.compile(rf"^/{_FB_PAGE}/photos/(?:[^/]+/)?{_FB_ID}/?$"), "https://www.facebook.com/photo.php?fbid={id}"),
    (re.compile(rf"^/reel/{_FB_ID}/?$"), "https://www.facebook.com/reel/{id}"),
)
_FB_PLUGINS = frozenset({"/plugins/post.php", "/plugins/video.php"})
_FB_RESERVED_PAGES = frozenset({"groups", "watch", "reel", "share", "sharer", "dialog", "plugins",
                                "hashtag", "events", "pages", "profile.php", "l.php"})


def _parse_facebook(host: str, path: str, query: str) -> PostRef | None:
    if host not in FACEBOOK_HOSTS:
        return None
    params = parse_qs(query)

    def first(name: str) -> str:
        return (params.get(name) or [""])[0].strip()

    if path.startswith("/plugins/"):
        # post.php and video.php show the post in ``href``; like.php and share buttons only
        # point at it, so they are not posts.
        if path.rstrip("/") not in _FB_PLUGINS or not first("href"):
            return None
        inner = parse_post_url(first("href"))
        return inner if inner is not None and inner.platform == "facebook" else None
    fb_id = re.compile(rf"^{_FB_ID}$")
    if path.rstrip("/") in ("/permalink.php", "/story.php") and fb_id.match(first("story_fbid")):
        story, owner = first("story_fbid"), first("id")
        permalink = f"https://www.facebook.com/permalink.php?story_fbid={story}"
        if owner.isdigit():
            permalink += f"&id={owner}"
        return PostRef("facebook", f"facebook:{story}", permalink)
    if path.rstrip("/") in ("/photo.php", "/photo") and fb_id.match(first("fbid")):
        return PostRef("facebook", f"facebook:{first('fbid')}",
                       f"https://www.facebook.com/photo.php?fbid={first('fbid')}")
    # /watch/?v=ID and the older /video.php?v=ID name the same video
    if path.rstrip("/") in ("/watch", "/video.php") and first("v").isdigit():
        return PostRef("facebook", f"facebook:{first('v')}",
                       f"https://www.facebook.com/watch/?v={first('v')}")
    for pattern, template in _FB_PATHS:
        m = pattern.match(path)
        if m:
            page = m.groupdict().get("page")
            if page and page.lower() in _FB_RESERVED_PAGES and "/groups/" not in path:
                return None
            handle = page if page and not page.isdigit() else None
            return PostRef("facebook", f"facebook:{m.group('id')}",
                           template.format(page=page, id=m.group("id")), handle)
    return None


# -- TikTok --------------------------------------------------------------------------------

TIKTOK_HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com", "www.tiktokv.com",
                          "tiktokv.com"})
_TIKTOK_PATHS = (
    re.compile(r"^/@(?P<user>[A-Za-z0-9_.]{0,30})/(?:video|photo)/(?P<id>\d{15,25})/?$"),
    re.compile(r"^/(?:embed(?:/v\d)?|v|share/video|player/v\d)/(?P<id>\d{15,25})(?:\.html)?/?$"),
)


def _parse_tiktok(host: str, path: str, query: str) -> PostRef | None:
    if host not in TIKTOK_HOSTS:
        return None
    for pattern in _TIKTOK_PATHS:
        m = pattern.match(path)
        if m:
            user = m.groupdict().get("user") or None
            video_id = m.group("id")
            # tiktok.com/@/video/ID resolves without the handle, so it is a usable permalink.
            return PostRef("tiktok", f"tiktok:{video_id}",
                           f"https://www.tiktok.com/@{user or ''}/video/{video_id}", user)
    return None


# -- YouTube -------------------------------------------------------------------------------

YOUTUBE_HOSTS = frozenset({
    "youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
    "youtube-nocookie.com", "www.youtube-nocookie.com",
})
_YT_ID = r"(?P<id>[A-Za-z0-9_-]{11})"
_YT_PATH = re.compile(rf"^/(?:embed|shorts|live|v|e)/{_YT_ID}/?$")
# 11-character path words that are not videos: playlist and channel embeds.
_YT_NOT_IDS = frozenset({"videoseries", "live_stream"})


def _parse_youtube(host: str, path: str, query: str) -> PostRef | None:
    video_id = None
    if host in ("youtu.be", "www.youtu.be"):
        m = re.match(rf"^/{_YT_ID}/?$", path)
        video_id = m.group("id") if m else None
    elif host in YOUTUBE_HOSTS:
        m = _YT_PATH.match(path)
        if m:
            video_id = m.group("id")
        elif path.rstrip("/") == "/watch":
            v = (parse_qs(query).get("v") or [""])[0]
            video_id = v if re.fullmatch(r"[A-Za-z0-9_-]{11}", v) else None
    if not video_id or video_id in _YT_NOT_IDS:
        return None
    return PostRef("youtube", f"youtube:{video_id}", f"https://www.youtube.com/watch?v={video_id}")


# -- Reddit --------------------------------------------------------------------------------

_REDDIT_ID = r"[a-z0-9]{1,13}"
_REDDIT_PATH = re.compile(
    rf"^(?:/(?:r|u|user)/(?P<where>[A-Za-z0-9_-]{{1,50}}))?/comments/(?P<id>{_REDDIT_ID})"
    rf"(?:/(?:comment/(?P<cid>{_REDDIT_ID})|[^/]*(?:/(?P<oldcid>{_REDDIT_ID}))?))?/?$",
    re.I,
)


def _is_reddit_host(host: str) -> bool:
    return host in ("reddit.com", "redditmedia.com") or host.endswith((".reddit.com", ".redditmedia.com"))


def _parse_reddit(host: str, path: str, query: str) -> PostRef | None:
    if host in ("redd.it", "www.redd.it"):
        m = re.match(rf"^/({_REDDIT_ID})/?$", path, re.I)
        if not m:
            return None
        post_id = m.group(1).lower()
        return PostRef("reddit", f"reddit:{post_id}", f"https://www.reddit.com/comments/{post_id}/")
    if not _is_reddit_host(host):
        return None
    m = _REDDIT_PATH.match(path)
    if not m:
        return None
    post_id = m.group("id").lower()
    comment = (m.group("cid") or m.group("oldcid") or "").lower() or None
    where = m.group("where")
    prefix = "https://www.reddit.com"
    if where and path.lower().startswith("/r/"):
        prefix += f"/r/{where}"
    permalink = f"{prefix}/comments/{post_id}/"
    key = f"reddit:{post_id}"
    if comment:  # a comment is its own post, inside the thread it belongs to
        permalink += f"comment/{comment}/"
        key += f"/{comment}"
    return PostRef("reddit", key, permalink)


# -- LinkedIn ------------------------------------------------------------------------------

_LINKEDIN_URN = re.compile(r"urn:li:(?P<kind>activity|share|ugcPost):(?P<id>\d{10,25})")
_LINKEDIN_SLUG = re.compile(r"^/posts/[^/]*?-(?P<kind>activity|share|ugcPost)-(?P<id>\d{10,25})(?:-[^/]*)?/?$")


def _parse_linkedin(host: str, path: str, query: str) -> PostRef | None:
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return None
    m = None
    if path.startswith(("/feed/update/", "/embed/feed/update/")):
        m = _LINKEDIN_URN.search(path)
    elif path.startswith("/posts/"):
        m = _LINKEDIN_SLUG.match(path)
    if not m:
        return None
    # The activity id and the share/ugcPost id of one post may differ, so the permalink keeps
    # the URN type we were given.
    kind, post_id = m.group("kind"), m.group("id")
    return PostRef("linkedin", f"linkedin:{post_id}",
                   f"https://www.linkedin.com/feed/update/urn:li:{kind}:{post_id}/")


# -- Telegram ------------------------------------------------------------------------------

_TELEGRAM_PATH = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d{1,10})/?$")
_TELEGRAM_RESERVED = frozenset({"c", "s", "share", "joinchat", "addstickers", "addemoji", "proxy",
                                "socks", "iv", "login", "setlanguage", "boost", "addlist", "contact"})


def _parse_telegram(host: str, path: str, query: str) -> PostRef | None:
    if host not in ("t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"):
        return None
    m = _TELEGRAM_PATH.match(path)
    if not m or m.group("channel").lower() in _TELEGRAM_RESERVED:
        return None
    channel, msg = m.group("channel"), m.group("id").lstrip("0") or "0"
    # Channel usernames are case-insensitive: the key is lower-case, the permalink too, so
    # that it parses back to itself.
    channel = channel.lower()
    return PostRef("telegram", f"telegram:{channel}/{msg}", f"https://t.me/{channel}/{msg}", channel)


# -- dispatch ------------------------------------------------------------------------------

_PARSERS: list[Callable[[str, str, str], PostRef | None]] = [
    _parse_x, _parse_bsky, _parse_truthsocial, _parse_threads, _parse_instagram,
    _parse_facebook, _parse_tiktok, _parse_youtube, _parse_reddit, _parse_linkedin,
    _parse_telegram,
]


def parse_post_url(url: str, *, fediverse: bool = False) -> PostRef | None:
    """The post a URL points at, or None if it is not a single-post URL we know.

    ``fediverse=True`` accepts ``https://host/@user/ID`` on any host as a Mastodon post; pass it
    only when the markup around the URL says it is a Mastodon embed (see module docstring).
    """
    url = url.strip()
    m = _AT_URI.match(url)
    if m:
        return _bsky_ref(unquote(m.group("actor")), m.group("rkey"))
    if url.startswith("//"):  # protocol-relative, as in src="//www.instagram.com/…"
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    path = unquote(parts.path) or "/"
    if path == "/" and parts.fragment.startswith("!/"):
        # twitter.com/#!/user/status/ID: the "hashbang" permalinks of 2010-2012, whose path
        # is in the fragment
        path, _, query = parts.fragment[1:].partition("?")
        parts = parts._replace(query=query)
    for parser in _PARSERS:
        ref = parser(host, path, parts.query)
        if ref is not None:
            return ref
    return _parse_mastodon(host, path, parts.query, fediverse=fediverse)


# -- creation times ------------------------------------------------------------------------

def _plausible(dt: datetime, since_year: int) -> datetime | None:
    """Ids decoded outside [since_year, 2100) are not snowflakes of that platform."""
    return dt if since_year <= dt.year < 2100 else None


def x_created_at(status_id: int | str) -> datetime | None:
    """Creation time encoded in an X snowflake id; None for pre-snowflake (sequential) ids."""
    value = int(status_id)
    if value < 2**22 * 1000:  # ids before Nov 2010 were sequential and decode to nonsense
        return None
    return datetime.fromtimestamp(((value >> 22) + X_EPOCH_MS) / 1000, tz=UTC)


def mastodon_created_at(status_id: int | str) -> datetime | None:
    """Mastodon (and forks): 48 bits of Unix ms, then 16 bits of sequence."""
    return _plausible(datetime.fromtimestamp((int(status_id) >> 16) / 1000, tz=UTC), 2016)


def linkedin_created_at(post_id: int | str) -> datetime | None:
    """LinkedIn activity/share/ugcPost ids: the top 41 bits are Unix ms."""
    return _plausible(datetime.fromtimestamp((int(post_id) >> 22) / 1000, tz=UTC), 2003)


def tiktok_created_at(video_id: int | str) -> datetime | None:
    """TikTok video ids: the top 32 bits are Unix seconds."""
    return _plausible(datetime.fromtimestamp(int(video_id) >> 32, tz=UTC), 2016)


def instagram_media_id(shortcode: str) -> int | None:
    """A shortcode read as base 64 over Instagram's alphabet; None for non-public long codes."""
    if len(shortcode) > 11 or any(c not in _INSTAGRAM_ALPHABET for c in shortcode):
        return None  # private-post codes are longer and do not decode to a media id
    value = 0
    for c in shortcode:
        value = value * 64 + _INSTAGRAM_ALPHABET.index(c)
    return value


def instagram_created_at(shortcode: str) -> datetime | None:
    """Instagram media ids: 41 bits of ms since the Instagram epoch, then shard and sequence."""
    media_id = instagram_media_id(shortcode)
    if media_id is None:
        return None
    return _plausible(
        datetime.fromtimestamp(((media_id >> 23) + INSTAGRAM_EPOCH_MS) / 1000, tz=UTC), 2010)


def bluesky_created_at(rkey: str) -> datetime | None:
    """A Bluesky TID record key: 53 bits of Unix µs, then 10 bits of clock id. Client-chosen."""
    if len(rkey) != 13 or any(c not in _TID_ALPHABET for c in rkey):
        return None
    value = 0
    for c in rkey:
        value = value * 32 + _TID_ALPHABET.index(c)
    if value >> 63:  # the top bit of a TID is always 0
        return None
    return _plausible(datetime.fromtimestamp((value >> 10) / 1_000_000, tz=UTC), 2022)


def created_at(key: str) -> datetime | None:
    """Creation time for a canonical key, where the platform encodes it in the id."""
    platform, _, ident = key.partition(":")
    last = ident.rsplit("/", 1)[-1]
    try:
        if platform == "x" and ident.isdigit():
            return x_created_at(ident)
        if platform in ("mastodon", "truthsocial") and last.isdigit():
            return mastodon_created_at(last)
        if platform == "linkedin" and ident.isdigit():
            return linkedin_created_at(ident)
        if platform == "tiktok" and ident.isdigit():
            return tiktok_created_at(ident)
        if platform == "instagram":
            return instagram_created_at(ident)
        if platform == "bsky":
            return bluesky_created_at(last)
    except (OverflowError, OSError, ValueError):  # absurdly large ids
        return None
    return None
