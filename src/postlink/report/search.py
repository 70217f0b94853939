"""`postlink search`: full-text hits among article sentences and archived posts.

``search_archive`` builds the dict that ``--json`` prints; ``search_lines`` formats it.
"""

from __future__ import annotations

from typing import Any

from postlink.store import Store


def search_archive(store: Store, text: str, *, limit: int = 20, offset: int = 0
                   ) -> dict[str, Any]:
    """One page (``limit``/``offset``) of each section: sentences, then posts, best first."""
    return {"sentences": store.search_sentences(text, limit, offset),
            "posts": store.search_posts(text, limit, offset)}


def search_lines(result: dict[str, Any]) -> list[str]:
    """Each section's count, then one line per hit (a sentence names the posts it cites)."""
    out = [f"sentences: {len(result['sentences'])}"]
    for r in result["sentences"]:
        cites = f"  [cites {r['cites']}]" if r["cites"] else ""
        out.append(f"  article {r['article_id']} v{r['version']} s{r['sentence_idx']}: "
                   f"{r['text']}{cites}")
    out.append(f"posts: {len(result['posts'])}")
    for r in result["posts"]:
        who = f"@{r['author_handle']}" if r["author_handle"] else "?"
        out.append(f"  {r['key']} {who}: {' '.join(r['text'].split())}")
    return out
