"""Posts flattened into plain text: a paragraph that ends (or starts) in a platform's scaffolding.

    X, Bluesky  <post text> — Display Name (@handle) December 27, 2023
    Instagram   <caption> A post shared by Display Name (@handle) [on <date>]
    Facebook    <post text> Posted by Page Name on Thursday, August 27, 2015
    Reddit      <title> by u/name in r/sub
    TikTok      @handle <caption #tags> ♬ <sound>
    Mastodon    Post by @user@host View on Mastodon

For X the dash may be an em or en dash, "--" or "-"; the line may be cut short with "…"; the
date follows the embed code's language. We anchor on the last "(@handle)" followed by a date.
Bluesky uses the same line with a domain handle and a time ("Apr 21, 2024 at 15:09") or an ISO
timestamp. Threads leaves only "View on Threads", which names no post, so it is not recognised.
Patterns are data: a new localisation is one more alternative in a constant below.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from postlink.platforms import parse_post_url

_MONTH_WORD = r"[^\W\d_][^\W\d_.]{1,11}\.?"
_TIME = r"(?:,?\s+(?:at|à|um|a las|às|alle|om|kl\.)\s+\d{1,2}[:.h]\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?)?"
_DATE = (
    rf"(?:{_MONTH_WORD}\s+\d{{1,2}},?\s+\d{{4}}{_TIME}"  # December 27, 2023 [at 15:09]
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?{_MONTH_WORD}\s+(?:de\s+)?\d{{4}}{_TIME}"  # 27 December 2023, 26 de diciembre de 2022
    r"|\d{4}年\d{1,2}月\d{1,2}日"  # 2023年12月2日
    r"|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)"  # ISO (Bluesky oEmbed)
)
# X handles are 1-15 word characters; Bluesky handles are domain names.
_HANDLE = r"(?:[A-Za-z0-9_]{1,15}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
_ATTRIBUTION = re.compile(
    # An em/en dash may follow the post text directly ("…https://t.co/x— Name"), as the
    # embed's </p>&mdash; leaves no space when flattened; a hyphen needs a space before it.
    # The name holds no dash, so a dash inside the post text is never taken for this one.
    rf"(?:—|–|&mdash;|&#8212;|(?:^|\s)(?:--|-))\s*(?P<name>(?:(?!—|–|&mdash;|\s--?\s)[^\n])*?)\s*\(@(?P<handle>{_HANDLE})\)\s*"
    rf"(?:\[(?P<date_md>{_DATE})\]\((?P<url_md>[^)\s]+)\)|(?P<date>{_DATE})(?:\s+(?P<url>https?://\S+))?)"
    r"\s*$"
)
_INSTAGRAM = re.compile(
    r"(?:^|\s)(?:A post shared by|Ein Beitrag geteilt von|Une publication partagée par"
    r"|Una publicación compartida (?:de|por)|Un post condiviso da|Uma publicação compartilhada por"
    r"|Een bericht gedeeld door)"
    r"\s+(?P<name>[^\n]*?)\s*\(@(?P<handle>[A-Za-z0-9_.]{1,30})\)"
    r"(?:\s+(?:on|am|le|el|il|em|op)\s+(?P<date>[^\n]{4,60}?))?\s*$"
)
_INSTAGRAM_PLACEHOLDER = re.compile(
    r"^\s*(?:View this post on Instagram|Dieses? (?:Beitrag|Post) auf Instagram ansehen"
    r"|Ver esta publicación en Instagram|Voir cette publication sur Instagram)\s*", re.I
)
_FACEBOOK = re.compile(
    r"(?:^|\s)(?:Posted by|Publicada por|Publié par|Gepostet von|Pubblicato da)\s+"
    r"(?P<name>[^\n]{1,80}?)\s+(?:on|en|le|am|il|em)\s+(?P<date>[^\n]{0,40}?\d{4}[^\n]{0,20}?)\.?\s*$"
)
_REDDIT = re.compile(
    r"^(?P<text>.+?)\s+by\s+u/(?P<handle>[A-Za-z0-9_-]{3,20})\s+(?:from discussion\s+.+?\s+)?in\s+"
    r"(?:r/)?(?P<sub>[A-Za-z0-9_]{2,21})\s*$", re.S
)
_TIKTOK = re.compile(r"^@(?P<handle>[A-Za-z0-9_.]{2,24})\s+(?P<text>.*?)\s*♬\s*(?P<sound>[^\n]*)$", re.S)
_MASTODON = re.compile(
    r"^(?:(?P<text>.*?)\s+)?Post by @(?P<user>[A-Za-z0-9_.]{1,30})@(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,})"
    r"\s*(?:View on Mastodon)?\s*$", re.S
)
# Platforms whose scaffolding follows the post text, which may sit in the paragraph before.
_TEXT_PRECEDES = frozenset({"x", "bluesky", "instagram", "facebook"})


@dataclass(frozen=True)
class FlattenedPost:
    """A post recognised in plain text."""

    handle: str
    name: str | None
    text: str
    date_text: str | None
    url: str | None
    truncated: bool
    platform: str = "x"


def parse_flattened(paragraph: str) -> FlattenedPost | None:
    """The post a paragraph holds, if it carries one platform's flattened-embed scaffolding."""
    return (_x_or_bluesky(paragraph) or _instagram(paragraph) or _facebook(paragraph)
            or _reddit(paragraph) or _tiktok(paragraph) or _mastodon(paragraph))


def text_may_precede(post: FlattenedPost) -> bool:
    """True when a post's text can be the paragraph before its attribution line."""
    return post.platform in _TEXT_PRECEDES


def _x_or_bluesky(paragraph: str) -> FlattenedPost | None:
    m = _ATTRIBUTION.search(paragraph)
    if not m:
        return None
    text = _strip_quote_markers(paragraph[: m.start()])
    url = m.group("url_md") or m.group("url")
    ref = parse_post_url(url) if url else None
    date = m.group("date_md") or m.group("date")
    handle = m.group("handle")
    if ref is not None:
        platform = ref.platform
    elif "." in handle or "[image or embed]" in text or re.search(r"\d:\d\d", date):
        platform = "bluesky"  # domain handle, or a date with a time: Bluesky's embed line
    else:
        platform = "x"
    if platform == "bluesky":
        text = text.replace("[image or embed]", "").strip()
    return FlattenedPost(handle, _name(m.group("name")), text, date, url if ref else None,
                         _truncated(text), platform)


def _instagram(paragraph: str) -> FlattenedPost | None:
    m = _INSTAGRAM.search(paragraph)
    if not m:
        return None
    text = _INSTAGRAM_PLACEHOLDER.sub("", _strip_quote_markers(paragraph[: m.start()]))
    return FlattenedPost(m.group("handle"), _name(m.group("name")), text.strip(), m.group("date"),
                         None, _truncated(text), "instagram")


def _facebook(paragraph: str) -> FlattenedPost | None:
    m = _FACEBOOK.search(paragraph)
    if not m:
        return None
    text = _strip_quote_markers(paragraph[: m.start()])
    name = _name(m.group("name")) or ""
    # Facebook shows no handle; the page name stands in for it in provisional keys.
    return FlattenedPost(name, name or None, text, m.group("date"), None, _truncated(text),
                         "facebook")


def _reddit(paragraph: str) -> FlattenedPost | None:
    m = _REDDIT.match(paragraph.strip())
    if not m:
        return None
    text = _strip_quote_markers(m.group("text"))
    return FlattenedPost(m.group("handle"), None, text, None, None, _truncated(text), "reddit")


def _tiktok(paragraph: str) -> FlattenedPost | None:
    m = _TIKTOK.match(paragraph.strip())
    if not m:
        return None
    text = " ".join(m.group("text").split())
    return FlattenedPost(m.group("handle"), None, text, None, None, _truncated(text), "tiktok")


def _mastodon(paragraph: str) -> FlattenedPost | None:
    m = _MASTODON.match(paragraph.strip())
    if not m:
        return None
    text = (m.group("text") or "").strip()
    return FlattenedPost(f"{m.group('user')}@{m.group('host').lower()}", None, text, None, None,
                         _truncated(text), "mastodon")


def _strip_quote_markers(text: str) -> str:
    return re.sub(r"^\s*>\s?", "", text.strip(), flags=re.M).strip()  # Markdown blockquotes


def _name(raw: str | None) -> str | None:
    return " ".join((raw or "").split()) or None


def _truncated(text: str) -> bool:
    return text.endswith(("…", "..."))


def is_attribution_only(paragraph: str) -> bool:
    """True when the paragraph is just the attribution line (its post text came before it)."""
    post = parse_flattened(paragraph)
    return post is not None and not post.text


def provisional_key(platform: str, handle: str, text: str) -> str:
    """Key for a post known only by handle and text; merged once the permalink is known."""
    return f"{platform}:@{handle.lower()}/{text_fingerprint(text)}"


def text_fingerprint(text: str) -> str:
    """Hash of the post text with links, case, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?:https?://|pic\.twitter\.com/)\S+", " ", text, flags=re.I)
    text = text.rstrip("…").removesuffix("...")
    words = re.findall(r"\w+", text.lower())
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:16]
