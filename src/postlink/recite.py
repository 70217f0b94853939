"""Cite again the article versions whose page lacked a post's text, once the archive has it.

An embed whose markup carries no text (an iframe, a widget placeholder) and a bare link to a
post leave the resolver nothing to match quotes against; an embed whose text the platform cut
short (…) leaves it only the beginning. When ``check-posts`` captures such a post's whole
text from its platform, every version that embeds or links it without that text is read
again from its raw capture, through the same extraction and citation as ``add``, and its
citations are replaced: the quotes of the post become checkable, and each citation names
the archived text it was checked against (citations.post_version_id).

A version is left as it was, with the reason, when its raw capture is gone or when reading
it again no longer gives the stored text or posts (a newer postlink reads the page
differently, or a provisional post was merged since): its citations must keep indexing the
stored sentences.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from postlink.analysis import analyse, extract
from postlink.errors import InputError
from postlink.pipeline import archive_view, store_citations, stored_input
from postlink.store import Store


@dataclass(frozen=True)
class Recited:
    """One article version cited again (``skipped`` None) or left alone (why)."""

    article_id: int
    version: int
    version_id: int
    post_keys: tuple[str, ...]  # the posts whose text arrived
    citations_before: int
    citations: int
    skipped: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "version": self.version,
                "posts": list(self.post_keys), "citations_before": self.citations_before,
                "citations": self.citations, "skipped": self.skipped}


def recite_posts(store: Store, keys: Iterable[str]) -> list[Recited]:
    """Cite again every version that embeds or links one of ``keys`` without its whole text."""
    todo: dict[int, list[str]] = {}
    for key in dict.fromkeys(keys):
        for version_id in store.versions_lacking_text(key):
            todo.setdefault(version_id, []).append(key)
    return [recite_version(store, version_id, keys) for version_id, keys in sorted(todo.items())]


def recite_version(store: Store, version_id: int, keys: Iterable[str] = ()) -> Recited:
    """Read one stored version again and replace its citations (one transaction)."""
    row = store.query("SELECT article_id, version, text FROM article_versions WHERE id = ?",
                      (version_id,))[0]
    before = len(store.version_rows(version_id, "citations"))

    def outcome(citations: int, skipped: str | None = None) -> Recited:
        return Recited(row["article_id"], row["version"], version_id, tuple(keys), before,
                       citations, skipped)

    source = store.version_source(version_id)
    if source is None:
        return outcome(before, "its raw capture is not in the archive")
    try:
        doc = extract(stored_input(source))
    except InputError as exc:
        return outcome(before, f"its raw capture cannot be read again ({exc})")
    analysis = analyse(doc, archive_view(store, doc))
    stored_posts = [e["post_key"] for e in store.version_rows(version_id, "embeds", "idx")]
    if doc.text != row["text"] or [e.key for e in analysis.embeds] != stored_posts:
        return outcome(before, "reading its raw capture again no longer gives the stored text "
                               "and posts (archived by another postlink version?)")
    with store.transaction() as conn:
        store_citations(store, conn, version_id, analysis)
    return outcome(len(analysis.cited.citations))
