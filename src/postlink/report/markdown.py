"""The audit as Markdown that pastes cleanly into an issue tracker or a CMS.

A pure function of the audit dict (the JSON contract). Every string that comes from an
article or a post is third-party text: its Markdown and HTML are escaped with backslashes
(CommonMark escapes any ASCII punctuation), line breaks become spaces, and links are written
only for http(s) URLs, so nothing in the content can open a tag, a link, an image, a heading
or a table cell of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import quote

#: the order kinds are listed in (the precedence of "Citations" in the README)
KINDS = ("verbatim", "altered", "partial", "link", "paraphrase", "attribution")

# inline Markdown and HTML: emphasis, code, links and images, raw HTML and entities,
# table cells, strikethrough, math; the backslash first so escapes are not doubled
_INLINE = re.compile(r"([\\`*_\[\]<>|~&$])")
# what opens a block at the start of a line (a cell or list item starts one): headings,
# quotes (escaped inline), list bullets, ordered lists, setext underlines
_BLOCK_START = re.compile(r"^(\s*)([#+\-=])")
_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")
_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


def escape(text: str | None) -> str:
    """Third-party text as inert Markdown on one line (safe in a table cell or list item)."""
    if not text:
        return ""
    one_line = _BREAKS.sub(" ", text.replace("\x00", ""))
    escaped = _INLINE.sub(r"\\\1", one_line)
    escaped = _BLOCK_START.sub(r"\1\\\2", escaped)
    return _ORDERED_START.sub(r"\1\\\2", escaped)


def link(label: str, url: str | None) -> str:
    """``[label](url)`` for an http(s) URL (label escaped, destination percent-encoded so it
    cannot end the link or a table cell); the escaped label alone for anything else."""
    shown = escape(label)
    if not url or not re.match(r"(?i)https?://", url):
        return shown
    dest = quote(url.strip(), safe="/:?#&=+%@!$',;~-._")
    dest = dest.replace("(", "%28").replace(")", "%29")
    return f"[{shown}]({dest})"


def _author(post: dict[str, Any] | None, key: str) -> str:
    if not post:
        return key
    handle = f"@{post['author_handle']}" if post.get("author_handle") else ""
    name = post.get("author_name") or ""
    if name and handle:
        return f"{name} ({handle})"
    return name or handle or key


def _quote(text: str) -> str:
    return f"“{escape(text)}”"


def render_markdown(audit: dict[str, Any]) -> str:
    """The audit dict as a Markdown document: heading, summary, citations, posts, unmatched."""
    art = audit["article"]
    posts = {p["key"]: p for p in audit["posts"]}
    citations = audit["citations"]
    unmatched = audit["unmatched_quotes"]
    title = art.get("title") or art.get("url") or f"article {art.get('id')}"

    out = [f"# Citation audit: {escape(title)}", ""]
    out.append(f"{link(art['url'], art['url'])} · article {art['id']}, version {art['version']}, "
               f"{art['sentence_count']} sentences")
    out.append("")

    embedded = sum(1 for p in audit["posts"] if p.get("embedded"))
    kinds = Counter(c["kind"] for c in citations)
    by_kind = ", ".join(f"{kinds[k]} {escape(k)}" for k in (*KINDS, *sorted(set(kinds) - set(KINDS)))
                        if kinds[k])
    out.append(f"**{len(audit['posts'])} posts** ({embedded} embedded, "
               f"{len(audit['posts']) - embedded} linked only) · "
               f"**{len(citations)} citations**" + (f" ({by_kind})" if by_kind else "") +
               f" · **{len(unmatched)} unmatched quotes**")
    out.append("")

    out += ["## Citations", ""]
    if citations:
        out += ["| sentence | post | kind | score | quote / sentence |",
                "|---:|---|---|---:|---|"]
        for c in citations:
            post = posts.get(c["post_key"])
            who = link(_author(post, c["post_key"]), (post or {}).get("url"))
            shown = _quote(c["quote"]) if c["quote"] else f"sentence: {escape(c['sentence'])}"
            if c.get("diff"):
                shown += f" (diff: {escape(c['diff'])})"
            if c.get("beyond_truncation"):
                shown += " (runs past the cut embed)"
            checked = c.get("checked_against") or {}
            if checked.get("source") not in (None, "page"):  # the page had no text for it
                shown += (f" (checked against the archived {escape(checked['source'])} text of "
                          f"{escape(checked['fetched_at'])})")
            out.append(f"| {c['sentence_index']} | {who} | {escape(c['kind'])} | "
                       f"{c['score']:.2f} | {shown} |")
    else:
        out.append("No sentence cites a post.")
    out.append("")

    out += ["## Posts", ""]
    if audit["posts"]:
        cited = Counter(c["post_key"] for c in citations)
        out += ["| post | author | created | status | found | citations | permalink |",
                "|---|---|---|---|---|---:|---|"]
        for p in audit["posts"]:
            found = p.get("found") or {}
            how = " and ".join(w for w, on in (("embedded", p.get("embedded")),
                                                ("linked", found.get("linked"))) if on) or "linked"
            permalink = link(p["url"], p["url"]) if p.get("url") else "none"
            out.append(f"| {escape(p['key'])} | {escape(_author(p, ''))} | "
                       f"{escape(p.get('created_at') or '')} | {p.get('status') or ''} | "
                       f"{how} | {cited[p['key']]} | {permalink} |")
    else:
        out.append("The article embeds or links no post.")
    out.append("")

    out += ["## Quotes matching no post", ""]
    if unmatched:
        out += [f"- sentence {u['sentence_index']}: {_quote(u['quote'])}" for u in unmatched]
    else:
        out.append("None.")
    return "\n".join(out) + "\n"
