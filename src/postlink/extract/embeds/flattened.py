"""Posts flattened into plain text: a paragraph that ends in an attribution line.

    <post text, t.co and pic.twitter.com links> — Display Name (@handle) December 27, 2023

The dash may be an em or en dash, "--" or "-"; the line may be cut short with "…"; the date
follows the embed code's language. We anchor on the last "(@handle)" followed by a date.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from postlink.platforms import parse_post_url

_MONTH_WORD = r"[^\W\d_][^\W\d_.]{1,11}\.?"
_DATE = (
    rf"(?:{_MONTH_WORD}\s+\d{{1,2}},?\s+\d{{4}}"  # December 27, 2023
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?{_MONTH_WORD}\s+(?:de\s+)?\d{{4}}"  # 27 December 2023, 26 de diciembre de 2022
    r"|\d{4}年\d{1,2}月\d{1,2}日"  # 2023年12月2日
    r"|\d{4}-\d{2}-\d{2})"
)
_ATTRIBUTION = re.compile(
    r"(?:^|\s)(?:—|–|--|-)\s*(?P<name>[^\n]*?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)\s*"
    rf"(?:\[(?P<date_md>{_DATE})\]\((?P<url_md>[^)\s]+)\)|(?P<date>{_DATE})(?:\s+(?P<url>https?://\S+))?)"
    r"\s*$"
)


@dataclass(frozen=True)
class FlattenedPost:
    """A post recognised in plain text; ``start``/``end`` span the whole paragraph."""

    handle: str
    name: str | None
    text: str
    date_text: str
    url: str | None
    truncated: bool


def parse_flattened(paragraph: str) -> FlattenedPost | None:
    """The post a paragraph holds, if it ends in an X-style attribution line."""
    m = _ATTRIBUTION.search(paragraph)
    if not m:
        return None
    text = paragraph[: m.start()].strip()
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)  # Markdown blockquote markers
    url = m.group("url_md") or m.group("url")
    return FlattenedPost(
        handle=m.group("handle"),
        name=" ".join(m.group("name").split()) or None,
        text=text,
        date_text=m.group("date_md") or m.group("date"),
        url=url if url and parse_post_url(url) else None,
        truncated=text.endswith(("…", "...")),
    )


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
