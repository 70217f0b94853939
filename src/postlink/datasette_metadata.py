"""Datasette metadata for an archive: what each table holds, its facets, and canned queries.

``postlink datasette-metadata > metadata.json`` writes it as JSON for ``datasette
archive/postlink.db -m metadata.json`` (Datasette 0.65's metadata format). Datasette names a
database after its file's stem, so the metadata is keyed by that name. Full-text search
needs nothing here: Datasette finds ``sentences_fts`` and ``post_versions_fts`` itself
(schema migration 7).

Data, not behaviour. Each canned query reads only the latest version of each article, as
an audit does.
"""

from __future__ import annotations

from typing import Any

# `v` is a row of article_versions: true when it is its article's latest version
_LATEST = "v.version = (SELECT max(version) FROM article_versions WHERE article_id = v.article_id)"

QUERIES: dict[str, dict[str, str]] = {
    "who_quotes_this_post": {
        "title": "Who quotes this post",
        "description": "Every sentence of an article (its latest version) that cites the post, "
                       "with the kind and the quote. Give the post's key, as in the posts "
                       "table (e.g. x:1846631010010116096).",
        "sql": f"""SELECT a.id AS article_id, a.url AS article_url, a.title, v.version,
  c.sentence_idx AS sentence, s.text AS sentence_text, c.kind, round(c.score, 3) AS score,
  c.quote, c.diff
FROM citations c
JOIN article_versions v ON v.id = c.version_id
JOIN articles a ON a.id = v.article_id
LEFT JOIN sentences s ON s.version_id = c.version_id AND s.idx = c.sentence_idx
WHERE c.post_key = :post AND {_LATEST}
ORDER BY a.id, c.sentence_idx""",
    },
    "quotes_matching_no_post": {
        "title": "Unmatched quotes",
        "description": "Quotes in articles (their latest versions) that match no archived "
                       "post: another source, or a post the archive lacks.",
        "sql": f"""SELECT a.id AS article_id, a.url AS article_url, a.title, v.version,
  u.sentence_idx AS sentence, u.quote, s.text AS sentence_text
FROM unmatched_quotes u
JOIN article_versions v ON v.id = u.version_id
JOIN articles a ON a.id = v.article_id
LEFT JOIN sentences s ON s.version_id = u.version_id AND s.idx = u.sentence_idx
WHERE {_LATEST}
ORDER BY a.id, u.sentence_idx""",
    },
    "deleted_posts_still_cited": {
        "title": "Deleted posts still cited",
        "description": "Posts the platform says are gone that the latest version of an "
                       "article still cites: the archive holds the only copy.",
        "sql": f"""SELECT p.key, p.permalink, p.author_handle, p.author_name, p.gone_since,
  count(DISTINCT v.article_id) AS articles, count(*) AS citations,
  group_concat(DISTINCT a.url) AS article_urls
FROM posts p
JOIN citations c ON c.post_key = p.key
JOIN article_versions v ON v.id = c.version_id
JOIN articles a ON a.id = v.article_id
WHERE p.status = 'deleted' AND {_LATEST}
GROUP BY p.key
ORDER BY articles DESC, p.key""",
    },
}

KINDS = "verbatim, partial, altered, paraphrase, attribution or link"

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "description": "One row per article (its canonical URL); its texts are in article_versions.",
        "label_column": "title",
        "columns": {"url": "canonical URL (tracking parameters removed)",
                    "original_url": "the URL as first given",
                    "input_path": "the file path given to `postlink add`, if any"},
    },
    "article_versions": {
        "description": "Each distinct extracted content of an article; a changed page adds a version.",
        "columns": {"text": "the body text that sentence and citation offsets index",
                    "capture_id": "the raw response it was extracted from (captures)"},
    },
    "sentences": {
        "description": "The sentences of each article version, with offsets into its text. "
                       "The search box searches their words (FTS5).",
        "columns": {"idx": "sentence number within the version (the audit's sentence_index)",
                    "start": "offset of its first character in article_versions.text",
                    "end": "offset just past its last character"},
    },
    "posts": {
        "description": "One row per post, by canonical key (x:<id>, bsky:<did>/<rkey>, …).",
        "facets": ["platform", "status"],
        "label_column": "key",
        "columns": {"status": "live, deleted, gated, unavailable or not_checked",
                    "provisional": "1 for a post known only from flattened text, keyed by "
                                   "handle and words until its permalink is found",
                    "gone_since": "when the platform was first seen saying it is gone"},
    },
    "post_versions": {
        "description": "Each distinct text of a post: from the article's embed or from the "
                       "platform. The search box searches their words (FTS5).",
        "facets": ["source"],
        "columns": {"source": "embed, oembed or api",
                    "truncated": "1 when the text was cut short (…) where it was found"},
    },
    "embeds": {
        "description": "Posts embedded in each article version, with the markup and position.",
        "facets": ["markup"],
        "columns": {"position": "offset in article_versions.text where the embed sits"},
    },
    "citations": {
        "description": f"Which sentence cites which post, and how: {KINDS}.",
        "facets": ["kind"],
        "columns": {"kind": KINDS,
                    "sentence_idx": "the citing sentence (sentences.idx)",
                    "article_start": "start of the cited span in article_versions.text",
                    "post_start": "start of the matched span in the post's text",
                    "diff": "for altered quotes: [-post words-] {+quote words+}",
                    "beyond_truncation": "1 when the quote runs past a cut (…) embed"},
    },
    "unmatched_quotes": {
        "description": "Quotes that match no archived post.",
    },
    "links": {
        "description": "Links in each article version (and inside its posts, in_post).",
        "columns": {"post_key": "the post a link points to, if it is a post"},
    },
    "short_links": {
        "description": "Short links resolved (cached): where each one ends.",
        "facets": ["status"],
    },
    "redirects": {
        "description": "Every hop of every short-link resolution.",
        "facets": ["via"],
        "columns": {"via": "http, meta (refresh) or js"},
    },
    "captures": {
        "description": "Raw responses as fetched (body zlib-compressed), with their sha256.",
    },
    "sources": {
        "description": "Configured feeds, sitemaps, URL lists and folders, and their polling state.",
        "facets": ["kind", "status"],
    },
    "source_items": {
        "description": "The queue: each article URL a source listed, and its state.",
        "facets": ["state"],
    },
    "fetch_log": {
        "description": "Every HTTP request postlink made.",
        "facets": ["host", "status"],
    },
}


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the archive Datasette serves under the name ``database``."""
    return {
        "title": "postlink archive",
        "description": "Social posts quoted in news articles, and which sentence cites which post.",
        "databases": {
            database: {
                "tables": TABLES,
                "queries": QUERIES,
            },
        },
    }
