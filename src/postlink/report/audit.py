"""The audit of one article version as a dict that follows the JSON contract in the README."""

from __future__ import annotations

from typing import Any

from postlink.errors import InputError
from postlink.store import Store


def build_audit(store: Store, article_ref: str, version: int | None = None) -> dict[str, Any]:
    """Audit of one version (default: the latest) of the article named by id, URL or input
    path; InputError (exit 2) for a version the article does not have."""
    article = store.find_article(article_ref)
    row = pick_version(store, article["id"], version)
    return _audit(store, article, row)


def pick_version(store: Store, article_id: int, version: int | None) -> dict[str, Any]:
    """The article_versions row of ``version``, or of the latest one when None."""
    if version is None:
        return store.latest_version(article_id)
    row = store.article_version(article_id, version)
    if row is None:
        numbers = store.version_numbers(article_id)
        have = f"only version {numbers[0]}" if len(numbers) == 1 else \
            f"versions {numbers[0]} to {numbers[-1]}"
        raise InputError(f"article {article_id} has no version {version}: it has {have}; "
                         "pick one of those (a changed page adds a version)")
    return row


def _audit(store: Store, article: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    vid = version["id"]
    sentences = store.version_rows(vid, "sentences", "idx")
    by_index = {s["idx"]: s for s in sentences}
    embeds = store.version_rows(vid, "embeds", "idx")
    links = store.version_rows(vid, "links", "idx")
    citations = store.version_rows(vid, "citations", "sentence_idx, article_start, id")
    unmatched = store.version_rows(vid, "unmatched_quotes", "sentence_idx, article_start")

    order: list[str] = []
    embed_of: dict[str, dict[str, Any]] = {}
    link_of: dict[str, dict[str, Any]] = {}  # each linked post's first link in the article
    for e in embeds:
        if e["post_key"] not in embed_of:
            embed_of[e["post_key"]] = e
            order.append(e["post_key"])
    for link in links:
        if link["post_key"] and link["in_post"] is None and link["post_key"] not in link_of:
            link_of[link["post_key"]] = link
            if link["post_key"] not in embed_of:
                order.append(link["post_key"])
    known = store.post_texts(order)

    posts = []
    for key in order:
        post = store.post(key) or {}
        embed = embed_of.get(key)
        text = embed["text"] if embed and embed["text"] else (known.get(key) or {}).get("text")
        truncated = bool(embed["truncated"]) if embed else bool((known.get(key) or {}).get("truncated"))
        posts.append({
            "key": key,
            "platform": post.get("platform"),
            "url": post.get("permalink"),
            "author_handle": post.get("author_handle"),
            "author_name": post.get("author_name"),
            "created_at": (post.get("created_at") or "")[:10] or None,
            "text": text or "",
            "truncated": truncated,
            "status": post.get("status", "not_checked"),
            "embedded": embed is not None,
            "found": _found(embed, link_of.get(key)),
        })

    cited = {c["post_key"] for c in citations}
    short = store.version_short_links(vid) if links else {}
    page_text = {e["post_key"] for e in embeds if e["text"]}
    archived = store.post_versions_by_id(
        c["post_version_id"] for c in citations if c.get("post_version_id") is not None)
    return {
        "article": {
            "id": article["id"],
            "url": article["url"],
            "title": version["title"] or article["title"],
            "version": version["version"],
            "sentence_count": len(sentences),
            "fetched_at": version["fetched_at"],
            "versions": store.version_numbers(article["id"]),
        },
        "posts": posts,
        "citations": [
            {
                "post_key": c["post_key"],
                "sentence_index": c["sentence_idx"],
                "sentence": by_index[c["sentence_idx"]]["text"] if c["sentence_idx"] in by_index else "",
                "kind": c["kind"],
                "score": c["score"],
                "quote": c["quote"] or "",
                "article_span": [c["article_start"], c["article_end"]],
                "post_span": [c["post_start"], c["post_end"]] if c["post_start"] is not None else None,
                "diff": c["diff"],
                "beyond_truncation": bool(c["beyond_truncation"]),
                "checked_against": _checked_against(c, version, page_text, archived),
            }
            for c in citations
        ],
        "links": [
            {
                "url": link["href"],
                "final_url": (short.get(link["href"]) or {}).get("final_url") or link["url"],
                "hops": (short.get(link["href"]) or {}).get("hops", 0),
                "status": (short.get(link["href"]) or {}).get("status", "not_checked"),
                "in_post": link["in_post"],
            }
            for link in links
        ],
        "uncited_posts": [key for key in order if key not in cited],
        "unmatched_quotes": [
            {"sentence_index": u["sentence_idx"], "quote": u["quote"],
             "article_span": [u["article_start"], u["article_end"]]}
            for u in unmatched
        ],
    }


def _checked_against(citation: dict[str, Any], version: dict[str, Any], page_text: set[str],
                     archived: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    """Which text of the post the citation was checked against: an archived post version
    (``source`` oembed | api for the platform's own text, embed for another page's copy)
    when the page had none or cut it short, else the page's embed text (``source`` page, fetched with the
    article version); null when there was no text at all (a link or an attribution to a
    post whose text nobody has), or, for archives written before schema 8, when the page
    had none."""
    row = archived.get(citation.get("post_version_id") or -1)
    if row is not None:
        return {"source": row["source"], "fetched_at": row["fetched_at"],
                "post_version_id": row["id"]}
    if citation["post_key"] in page_text:
        return {"source": "page", "fetched_at": version["fetched_at"], "post_version_id": None}
    return None


def _found(embed: dict[str, Any] | None, link: dict[str, Any] | None) -> dict[str, Any]:
    """Why the post is the article's: embedded (in which markup), linked from the body, or
    both; whether that sat inside the article body region; and where in the body text
    (the embed's position, else the link's start; null when the main text left it out).
    The embed speaks first: it is what the article shows."""
    first = embed if embed is not None else link
    in_region = first.get("in_region") if first is not None else None  # null before schema 4
    return {
        "embedded": embed is not None,
        "linked": link is not None,
        "markup": embed["markup"] if embed is not None else None,
        "in_body_region": None if in_region is None else bool(in_region),
        "position": embed["position"] if embed is not None else link["start"] if link is not None else None,
    }


def audit_body_text(store: Store, audit: dict[str, Any]) -> str:
    """The stored body text of the version an audit describes (what ``article_span`` indexes)."""
    art = audit["article"]
    rows = store.query("SELECT text FROM article_versions WHERE article_id = ? AND version = ?",
                       (art["id"], art["version"]))
    return str(rows[0]["text"]) if rows else ""


def _version_id(store: Store, audit: dict[str, Any]) -> int | None:
    art = audit["article"]
    rows = store.query("SELECT id FROM article_versions WHERE article_id = ? AND version = ?",
                       (art["id"], art["version"]))
    return int(rows[0]["id"]) if rows else None


def audit_sentences(store: Store, audit: dict[str, Any]) -> list[tuple[int, int, int]]:
    """(index, start, end) of each sentence of the version an audit describes, in the body."""
    vid = _version_id(store, audit)
    if vid is None:
        return []
    return [(s["idx"], s["start"], s["end"]) for s in store.version_rows(vid, "sentences", "idx")]


def audit_post_versions(store: Store, audit: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The archived versions of each post of an audit (where each text came from, when, its
    sha256), newest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for post in audit["posts"]:
        out[post["key"]] = store.query(
            "SELECT source, fetched_at, sha256, truncated FROM post_versions WHERE post_key = ?"
            " ORDER BY id DESC", (post["key"],))
    return out
