"""`postlink posts`: every sentence that cites one post, across articles and versions.

``post_report`` builds the dict that ``--json`` prints; ``post_lines`` formats it as lines.
Reads go through the store; the quote matching of ``quoted_elsewhere`` is the pure cite/
index, imported when first needed (the read commands start without the extraction stack).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from postlink.errors import NotFound
from postlink.store import Store


def post_key(ref: str) -> str:
    """The canonical key of a post named by key (``x:123``) or by any URL form of it."""
    if "://" not in ref:
        return ref
    from postlink.platforms import parse_post_url

    parsed = parse_post_url(ref)
    return parsed.key if parsed else ref


def post_report(store: Store, ref: str, *, limit: int = 100, offset: int = 0
                ) -> dict[str, Any]:
    """The post, one page of the sentences citing it, and (on the first page) the sentences
    quoting it in articles that neither embed nor link it. Raises NotFound."""
    key = post_key(ref)
    post = store.post(key)
    if post is None:
        raise NotFound.post(key)
    post["provisional"] = bool(post["provisional"])
    citations = store.citations_of_post(key, limit=limit, offset=offset)
    for row in citations:
        row["beyond_truncation"] = bool(row["beyond_truncation"])
    total, articles = store.citation_counts(key)
    full = len(citations) == limit and offset + len(citations) < total
    return {"post": post, "citations": citations,
            # searched once, with the first page: it does not page
            "quoted_elsewhere": quoted_elsewhere(store, key) if offset == 0 else [],
            "total_citations": total, "total_articles": articles,
            "next_offset": offset + len(citations) if full else None}


def quoted_elsewhere(store: Store, key: str) -> list[dict[str, Any]]:
    """Sentences that quote the post (three words or more) in articles that neither embed nor
    link it. The full-text index proposes sentences sharing a word trigram with the post;
    only those are compared with it."""
    from postlink.cite.compare import post_words
    from postlink.cite.index import PostIndex, phrases, quote_matches

    texts = store.post_version_texts(key)
    if not texts:
        return []
    found = store.sentences_with_phrases(phrases(" ".join(texts)))
    cited = store.cited_sentences(key, {r["version_id"] for r in found})
    candidates = [r for r in found if (r["version_id"], r["sentence_idx"]) not in cited]
    index = PostIndex()
    for text in texts:
        index.add(key, text)
    words = {key: post_words(texts[0])}
    out: list[dict[str, Any]] = []
    for i, _, match in quote_matches(((i, r["text"]) for i, r in enumerate(candidates)),
                                     index, words):
        r = candidates[i]
        if out and out[-1]["sentence"] == r["text"] and out[-1]["article_id"] == r["article_id"]:
            continue  # two quotes of the post in one sentence: listed once
        out.append({"article_id": r["article_id"], "url": r["url"], "version": r["version"],
                    "sentence_idx": r["sentence_idx"], "sentence": r["text"],
                    "kind": match.kind, "score": match.score})
    return out


def post_lines(report: dict[str, Any]) -> list[str]:
    """The report as plain lines: a header, each citing sentence with its article URL, the
    next-page hint, then the sentences quoting the post elsewhere."""
    post = report["post"]
    who = post.get("author_name") or post.get("author_handle") or "unknown author"
    out = [f"{post['key']} ({who}): cited by {report['total_citations']} sentence(s) in "
           f"{report['total_articles']} article(s)"]
    for r in report["citations"]:
        flag = " beyond truncation" if r["beyond_truncation"] else ""
        out.append(f"  article {r['article_id']} v{r['version']} s{r['sentence_idx']} "
                   f"{r['kind']} {r['score']:.2f}{flag}: {r['sentence']}")
        if r["diff"]:
            out.append(f"      diff: {r['diff']}")
        out.append(f"      {r['url']}")
    if report["next_offset"] is not None:
        out.append(f"more: --offset {report['next_offset']}")
    elsewhere: Sequence[dict[str, Any]] = report["quoted_elsewhere"]
    if elsewhere:
        out.append(f"quoted without an embed or link in {len(elsewhere)} sentence(s):")
        for r in elsewhere:
            out.append(f"  article {r['article_id']} v{r['version']} s{r['sentence_idx']} "
                       f"{r['kind']} {r['score']:.2f}: {r['sentence']}")
            out.append(f"      {r['url']}")
    return out
