"""The audit as a readable terminal report (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text


class _Console(Console):
    """A rich console that lets a closed pipe (``postlink audit 1 | head``) reach the CLI,
    which ends quietly with exit 0; rich's own handler exits with 1."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


def console(min_width: int) -> Console:
    """Stdout as a rich console at least ``min_width`` columns wide (wider on a wide
    terminal), so a table piped into a file is not squeezed to 80 columns."""
    return _Console(width=max(min_width, Console().width))


# How an audit's checked_against sources read in the table.
TEXT_SOURCES = {"oembed": "oEmbed capture", "api": "platform API capture",
                "embed": "another article's embed"}


def render_audit(audit: dict[str, Any], console: Console) -> None:
    art = audit["article"]
    console.print(Text(f"Article {art['id']} (version {art['version']}): {art['title'] or ''}",
                       style="bold"))
    console.print(f"{art['url']}  ·  {art['sentence_count']} sentences")

    posts = Table(title="Posts", title_justify="left", expand=False)
    for col in ("key", "author", "created", "embedded", "text"):
        posts.add_column(col, overflow="fold")
    for p in audit["posts"]:
        author = f"@{p['author_handle']}" if p["author_handle"] else ""
        text = p["text"] if len(p["text"]) <= 90 else p["text"][:89] + "…"
        posts.add_row(p["key"], author, p["created_at"] or "", "yes" if p["embedded"] else "link",
                      text)
    citations = Table(title="Citations", title_justify="left")
    for col in ("sent.", "post", "kind", "score", "quote / sentence"):
        citations.add_column(col, overflow="fold")
    for c in audit["citations"]:
        shown = f"“{c['quote']}”" if c["quote"] else c["sentence"]
        citations.add_row(str(c["sentence_index"]), c["post_key"], c["kind"], f"{c['score']:.2f}",
                          shown)
    parts: list[Any] = [posts, citations]
    elsewhere = [c for c in audit["citations"]
                 if (c.get("checked_against") or {}).get("source") not in (None, "page")]
    if elsewhere:
        # the page had no text for these posts: say which archived text was used instead
        checked = Table(title="Checked against an archived text (the page had none, or cut short)",
                        title_justify="left")
        for col in ("sent.", "post", "text", "fetched", "post version"):
            checked.add_column(col, overflow="fold")
        for c in elsewhere:
            source = c["checked_against"]
            checked.add_row(str(c["sentence_index"]), c["post_key"],
                            TEXT_SOURCES.get(source["source"], source["source"]),
                            source["fetched_at"], str(source["post_version_id"]))
        parts.append(checked)
    if audit["unmatched_quotes"]:
        unmatched = Table(title="Quotes matching no post", title_justify="left")
        unmatched.add_column("sent.")
        unmatched.add_column("quote", overflow="fold")
        for u in audit["unmatched_quotes"]:
            unmatched.add_row(str(u["sentence_index"]), f"“{u['quote']}”")
        parts.append(unmatched)
    if audit["uncited_posts"]:
        parts.append(Text("Posts not cited in the prose: " + ", ".join(audit["uncited_posts"])))
    console.print(Group(*parts))

