"""Is the HTML audit linear in the article? A synthetic audit of N sentences in one paragraph
(a third of them quoting a post) rendered at N and 10N; the ratio should be about 10.

    .venv/bin/python bench/html_scale.py [--sentences 6000]

The page is split into runs wherever a sentence or a mark begins or ends; a quadratic split
(every run scanning every sentence) shows here as a ratio near 100.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from postlink.report.html import render_html


def synthetic(n: int) -> tuple[dict[str, Any], str, list[tuple[int, int, int]]]:
    """An audit, its body text and its sentences: n sentences, every third one quoting."""
    texts, sentences, citations, at = [], [], [], 0
    for i in range(n):
        text = f'Sentence {i} says "quote {i}" here.'
        sentences.append((i, at, at + len(text)))
        if i % 3 == 0:
            start = at + text.index("quote")
            citations.append({"post_key": "x:1", "sentence_index": i, "sentence": text,
                              "kind": "verbatim", "score": 1.0, "quote": f"quote {i}",
                              "article_span": [start, start + len(f"quote {i}")],
                              "post_span": None, "diff": None, "beyond_truncation": False})
        texts.append(text)
        at += len(text) + 1
    audit = {
        "article": {"id": 1, "url": "https://news.example/a", "title": "A long article",
                    "version": 1, "sentence_count": n},
        "posts": [{"key": "x:1", "platform": "x", "url": None, "author_handle": "someone",
                   "author_name": None, "created_at": None, "text": "quote", "truncated": False,
                   "status": "live", "embedded": True,
                   "found": {"embedded": True, "linked": False, "markup": "blockquote",
                             "position": 0}}],
        "citations": citations, "links": [], "uncited_posts": [], "unmatched_quotes": [],
    }
    return audit, " ".join(texts), sentences


def timed(n: int) -> tuple[float, int]:
    audit, body, sentences = synthetic(n)
    start = time.perf_counter()
    page = render_html(audit, body, sentences, {})
    return time.perf_counter() - start, len(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=6000)
    n = parser.parse_args().sentences
    small, _ = timed(n)
    large, size = timed(10 * n)
    print(f"{n:,} sentences: {small:.2f} s; {10 * n:,} sentences: {large:.2f} s "
          f"({size / 1e6:.1f} MB of HTML); 10x the article -> {large / small:.1f}x the time")


if __name__ == "__main__":
    main()
