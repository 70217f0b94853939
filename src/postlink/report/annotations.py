"""The audit as W3C Web Annotation JSON-LD (https://www.w3.org/TR/annotation-model/).

One ``Annotation`` per citation, in an ``AnnotationCollection`` for the article version whose
single embedded ``AnnotationPage`` holds them all. Each annotation targets the article URL
with two selectors of the cited span: a ``TextQuoteSelector`` (the exact text, with up to 32
characters of prefix and suffix) and a ``TextPositionSelector``. Both are taken from the
article's stored **body text** (``article_versions.text``, the text the audit's
``article_span`` indexes), not from the page's HTML or DOM: positions are Unicode code points
into that text, as the model asks, and a client anchoring on the live page should prefer the
quote selector. The body links the post (its permalink, or ``urn:postlink:post:KEY`` for a
post archived without one) and tags the citation with its kind and score.

A pure function of the audit dict and the body text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32  # prefix and suffix length of each TextQuoteSelector


def _urn(*parts: object) -> str:
    return "urn:postlink:" + ":".join(quote(str(p), safe=":@/!$&'()*+,;=-._~") for p in parts)


def _span(citation: dict[str, Any], body: str) -> tuple[int, int] | None:
    """The citation's [start, end) in the body text: its article_span when that fits the
    body, else the first place the quote's first part or the sentence occurs, else None."""
    span = citation.get("article_span") or [None, None]
    start, end = span[0], span[1]
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body):
        return start, end
    for text in ((citation.get("quote") or "").split(" | ")[0], citation.get("sentence") or ""):
        if text and (at := body.find(text)) >= 0:
            return at, at + len(text)
    return None


def _selectors(citation: dict[str, Any], body: str) -> list[dict[str, Any]]:
    span = _span(citation, body)
    if span is None:  # nothing to anchor on in the body text: the sentence alone
        return [{"type": "TextQuoteSelector", "exact": citation.get("sentence") or citation.get("quote") or ""}]
    start, end = span
    return [
        {"type": "TextQuoteSelector", "exact": body[start:end],
         "prefix": body[max(0, start - CONTEXT_CHARS):start],
         "suffix": body[end:end + CONTEXT_CHARS]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _describe(citation: dict[str, Any], post: dict[str, Any] | None) -> str:
    handle = (post or {}).get("author_handle")
    who = f"@{handle}" if handle else citation["post_key"]
    what = f"quotes “{citation['quote']}” from" if citation.get("quote") else "cites"
    text = (f"Sentence {citation['sentence_index']} {what} the post of {who}: "
            f"{citation['kind']}, score {citation['score']:.3f}.")
    if citation.get("diff"):
        text += f" Word diff: {citation['diff']}"
    if citation.get("beyond_truncation"):
        text += " The quote runs past the end of the cut embed."
    return text


def render_annotations(audit: dict[str, Any], body: str) -> dict[str, Any]:
    """The audit dict (and the body text its spans index) as an AnnotationCollection."""
    art = audit["article"]
    posts = {p["key"]: p for p in audit["posts"]}
    base = ("article", art["id"], f"v{art['version']}")
    items = []
    seen: dict[str, int] = {}
    for c in audit["citations"]:
        post = posts.get(c["post_key"])
        ident = _urn(*base, "citation", c["sentence_index"], c["post_key"])
        seen[ident] = seen.get(ident, 0) + 1  # one citation per (sentence, post): never twice
        if seen[ident] > 1:
            ident += f":{seen[ident]}"
        permalink = (post or {}).get("url")
        items.append({
            "@context": CONTEXT,
            "id": ident,
            "type": "Annotation",
            "motivation": "linking",
            "body": [
                {"type": "SpecificResource", "source": permalink or _urn("post", c["post_key"]),
                 "purpose": "linking"},
                {"type": "TextualBody", "value": c["kind"], "purpose": "tagging",
                 "format": "text/plain"},
                {"type": "TextualBody", "value": _describe(c, post), "purpose": "describing",
                 "format": "text/plain"},
            ],
            "target": {"source": art["url"], "selector": _selectors(c, body)},
        })
    collection = _urn(*base, "annotations")
    return {
        "@context": CONTEXT,
        "id": collection,
        "type": "AnnotationCollection",
        "label": f"postlink citations in {art.get('title') or art['url']} (version {art['version']})",
        "total": len(items),
        "first": {
            "id": collection + ":page:0",
            "type": "AnnotationPage",
            "partOf": collection,
            "startIndex": 0,
            "items": items,
        },
    }
