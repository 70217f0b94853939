"""What changed between two archived versions of an article (`postlink diff`).

``load_version`` reads one stored version (its sentences and its audit); ``diff_versions`` is
a pure function of two of them. Sentences are compared by their text in order (difflib), so
an edited sentence shows as one removed and one added; posts by key; citations, unmatched
quotes and links by what they say, not by sentence number, since an inserted sentence
renumbers everything after it.

    diff = diff_versions(load_version(store, "1", 1), load_version(store, "1", 2))
    diff.as_json()["sentences"]["added"]
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from postlink.errors import InputError
from postlink.report.audit import build_audit, pick_version
from postlink.store import Store

# What makes two citations of one post in one sentence "the same": the score is left out, a
# re-fitted scorer moves it without anything on the page having changed.
CITATION_FIELDS = ("kind", "quote", "diff", "beyond_truncation")


@dataclass(frozen=True)
class StoredVersion:
    """One archived version of an article: its sentences and its audit (report/audit.py)."""

    version: int
    fetched_at: str
    sentences: tuple[str, ...]
    audit: Mapping[str, Any]


@dataclass(frozen=True)
class VersionDiff:
    """The changes from version ``old`` to version ``new``; each list holds JSON-ready dicts."""

    article: Mapping[str, Any]  # id, url
    old: Mapping[str, Any]  # version, fetched_at, title, sentence_count
    new: Mapping[str, Any]
    sentences_added: tuple[dict[str, Any], ...]  # index (in new), text
    sentences_removed: tuple[dict[str, Any], ...]  # index (in old), text
    sentences_unchanged: int
    posts_added: tuple[dict[str, Any], ...]  # the audit's post entries
    posts_removed: tuple[dict[str, Any], ...]
    posts_changed: tuple[dict[str, Any], ...]  # key, old/new text and embedded
    citations_added: tuple[dict[str, Any], ...]  # the audit's citation entries
    citations_removed: tuple[dict[str, Any], ...]
    citations_changed: tuple[dict[str, Any], ...]  # post_key, sentence, old, new
    unmatched_added: tuple[dict[str, Any], ...]
    unmatched_removed: tuple[dict[str, Any], ...]
    links_added: tuple[str, ...]
    links_removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return any((self.old["title"] != self.new["title"], self.sentences_added,
                    self.sentences_removed, self.posts_added, self.posts_removed,
                    self.posts_changed, self.citations_added, self.citations_removed,
                    self.citations_changed, self.unmatched_added, self.unmatched_removed,
                    self.links_added, self.links_removed))

    def as_json(self) -> dict[str, Any]:
        return {
            "article": dict(self.article), "from": dict(self.old), "to": dict(self.new),
            "changed": self.changed,
            "sentences": {"added": list(self.sentences_added),
                          "removed": list(self.sentences_removed),
                          "unchanged": self.sentences_unchanged},
            "posts": {"added": list(self.posts_added), "removed": list(self.posts_removed),
                      "changed": list(self.posts_changed)},
            "citations": {"added": list(self.citations_added),
                          "removed": list(self.citations_removed),
                          "changed": list(self.citations_changed)},
            "unmatched_quotes": {"added": list(self.unmatched_added),
                                 "removed": list(self.unmatched_removed)},
            "links": {"added": list(self.links_added), "removed": list(self.links_removed)},
        }


def load_version(store: Store, article_ref: str, version: int | None) -> StoredVersion:
    """One version of the article (None: the latest); InputError for one it does not have."""
    article = store.find_article(article_ref)
    row = pick_version(store, article["id"], version)
    sentences = store.version_rows(row["id"], "sentences", "idx")
    return StoredVersion(row["version"], row["fetched_at"], tuple(s["text"] for s in sentences),
                         build_audit(store, str(article["id"]), row["version"]))


def versions_to_compare(numbers: Sequence[int], asked: Sequence[int], article_id: int
                        ) -> tuple[int, int]:
    """The (old, new) pair for `diff`: the two asked for; one asked for against the latest;
    or, with none, the latest against the one before it."""
    if len(asked) > 2:
        raise InputError(f"diff compares two versions, got {len(asked)}; give A B, one "
                         "version (compared with the latest) or none")
    if len(asked) == 2:
        return asked[0], asked[1]
    if len(asked) == 1:
        return asked[0], numbers[-1]
    if len(numbers) < 2:
        raise InputError(f"article {article_id} has only version {numbers[0]}: there is "
                         "nothing to compare until its page changes and adds a version")
    return numbers[-2], numbers[-1]


def diff_versions(old: StoredVersion, new: StoredVersion) -> VersionDiff:
    """What changed from ``old`` to ``new`` (pure: reads nothing but its arguments)."""
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    unchanged = 0
    matcher = difflib.SequenceMatcher(None, old.sentences, new.sentences, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            unchanged += i2 - i1
            continue
        removed.extend({"index": i, "text": old.sentences[i]} for i in range(i1, i2))
        added.extend({"index": j, "text": new.sentences[j]} for j in range(j1, j2))

    a, b = old.audit, new.audit
    old_posts = {p["key"]: p for p in a["posts"]}
    new_posts = {p["key"]: p for p in b["posts"]}
    posts_changed = [
        {"key": key, "old": {"text": p["text"], "embedded": p["embedded"]},
         "new": {"text": new_posts[key]["text"], "embedded": new_posts[key]["embedded"]}}
        for key, p in old_posts.items() if key in new_posts
        and (p["text"], p["embedded"]) != (new_posts[key]["text"], new_posts[key]["embedded"])]

    cites_added, cites_removed, cites_changed = _citation_changes(a["citations"], b["citations"])
    quotes_added, quotes_removed = _multiset_changes(
        [((u["quote"], _sentence(old, u)), u) for u in a["unmatched_quotes"]],
        [((u["quote"], _sentence(new, u)), u) for u in b["unmatched_quotes"]])
    old_links = [link["url"] for link in a["links"]]
    new_links = [link["url"] for link in b["links"]]
    return VersionDiff(
        article={"id": b["article"]["id"], "url": b["article"]["url"]},
        old=_summary(old), new=_summary(new),
        sentences_added=tuple(added), sentences_removed=tuple(removed),
        sentences_unchanged=unchanged,
        posts_added=tuple(p for k, p in new_posts.items() if k not in old_posts),
        posts_removed=tuple(p for k, p in old_posts.items() if k not in new_posts),
        posts_changed=tuple(posts_changed),
        citations_added=tuple(cites_added), citations_removed=tuple(cites_removed),
        citations_changed=tuple(cites_changed),
        unmatched_added=tuple(quotes_added), unmatched_removed=tuple(quotes_removed),
        links_added=tuple(u for u in dict.fromkeys(new_links) if u not in old_links),
        links_removed=tuple(u for u in dict.fromkeys(old_links) if u not in new_links),
    )


def _summary(v: StoredVersion) -> dict[str, Any]:
    return {"version": v.version, "fetched_at": v.fetched_at,
            "title": v.audit["article"]["title"], "sentence_count": len(v.sentences)}


def _sentence(v: StoredVersion, entry: Mapping[str, Any]) -> str:
    i = entry["sentence_index"]
    return v.sentences[i] if 0 <= i < len(v.sentences) else ""


def _citation_changes(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                 list[dict[str, Any]]]:
    """Citations matched by (post, sentence text, n-th such pair): added, removed, and those
    whose kind, quote, diff or truncation flag changed, or the text they were checked against
    (the page's own, or which archived post version)."""
    def keyed(cites: Sequence[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
        seen: Counter[tuple[str, str]] = Counter()
        out = {}
        for c in cites:
            pair = (c["post_key"], c["sentence"])
            out[(*pair, seen[pair])] = c
            seen[pair] += 1
        return out

    before, after = keyed(old), keyed(new)
    shown = ("sentence_index", "score", *CITATION_FIELDS, "checked_against")
    changed = [
        {"post_key": key[0], "sentence": key[1], "old": {f: c.get(f) for f in shown},
         "new": {f: after[key].get(f) for f in shown}}
        for key, c in before.items()
        if key in after and (any(c[f] != after[key][f] for f in CITATION_FIELDS)
                             or _checked(c) != _checked(after[key]))]
    return ([c for k, c in after.items() if k not in before],
            [c for k, c in before.items() if k not in after], changed)


def _checked(citation: Mapping[str, Any]) -> tuple[Any, Any] | None:
    """Which text a citation was checked against, as far as a change matters: its source and
    post version. The fetch time is left out: for the page's own text it is the article
    version's, which differs between any two versions."""
    checked = citation.get("checked_against")
    return None if checked is None else (checked.get("source"), checked.get("post_version_id"))


def _multiset_changes(old: Sequence[tuple[Hashable, dict[str, Any]]],
                      new: Sequence[tuple[Hashable, dict[str, Any]]]
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(key, entry) pairs: the entries of ``new`` beyond those of ``old`` with the same key
    (a quote twice in the new version and once in the old is added once), and the reverse."""
    def counted(entries: Sequence[tuple[Hashable, dict[str, Any]]]
                ) -> dict[tuple[Hashable, int], dict[str, Any]]:
        seen: Counter[Hashable] = Counter()
        out = {}
        for k, e in entries:
            out[(k, seen[k])] = e
            seen[k] += 1
        return out

    before, after = counted(old), counted(new)
    return ([e for k, e in after.items() if k not in before],
            [e for k, e in before.items() if k not in after])
