"""`postlink diff` as a readable terminal report (rich), from VersionDiff.as_json()."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cited(c: dict[str, Any]) -> str:
    return f"“{c['quote']}”" if c["quote"] else c["sentence"]


def render_diff(diff: dict[str, Any], console: Console) -> None:
    old, new = diff["from"], diff["to"]
    console.print(Text(f"Article {diff['article']['id']}: version {old['version']} "
                       f"({old['fetched_at']}) → version {new['version']} ({new['fetched_at']})",
                       style="bold"))
    console.print(diff["article"]["url"])
    if not diff["changed"]:
        console.print("no change in sentences, posts, citations, quotes or links")
        return
    if old["title"] != new["title"]:
        console.print(f"title: {old['title'] or ''!r} → {new['title'] or ''!r}")

    s = diff["sentences"]
    if s["added"] or s["removed"]:
        table = Table(title=f"Sentences ({len(s['removed'])} removed, {len(s['added'])} added, "
                      f"{s['unchanged']} unchanged)", title_justify="left")
        for col in ("", f"v{old['version']}", f"v{new['version']}", "sentence"):
            table.add_column(col, overflow="fold")
        for r in s["removed"]:
            table.add_row("-", str(r["index"]), "", r["text"])
        for a in s["added"]:
            table.add_row("+", "", str(a["index"]), a["text"])
        console.print(table)

    p = diff["posts"]
    if p["added"] or p["removed"] or p["changed"]:
        table = Table(title="Posts", title_justify="left")
        for col in ("", "key", "text"):
            table.add_column(col, overflow="fold")
        for post in p["removed"]:
            table.add_row("-", post["key"], _short(post["text"]))
        for post in p["added"]:
            table.add_row("+", post["key"], _short(post["text"]))
        for post in p["changed"]:
            was, now = post["old"], post["new"]
            note = _short(now["text"]) if was["text"] != now["text"] else ""
            if was["embedded"] != now["embedded"]:
                note = ("now embedded" if now["embedded"] else "now only linked") + \
                    (f": {note}" if note else "")
            table.add_row("~", post["key"], note)
        console.print(table)

    c = diff["citations"]
    if c["added"] or c["removed"] or c["changed"]:
        table = Table(title="Citations", title_justify="left")
        for col in ("", "sent.", "post", "kind", "quote / sentence"):
            table.add_column(col, overflow="fold")
        for cite in c["removed"]:
            table.add_row("-", str(cite["sentence_index"]), cite["post_key"], cite["kind"],
                          _cited(cite))
        for cite in c["added"]:
            table.add_row("+", str(cite["sentence_index"]), cite["post_key"], cite["kind"],
                          _cited(cite))
        for cite in c["changed"]:
            was, now = cite["old"], cite["new"]
            kind = now["kind"] if was["kind"] == now["kind"] else f"{was['kind']} → {now['kind']}"
            shown = f"“{now['quote']}”" if now["quote"] else cite["sentence"]
            if was["quote"] != now["quote"]:
                shown = f"“{was['quote']}” → {shown}"
            if _against(was) != _against(now):
                shown += f" (checked against {_against(was)} → {_against(now)})"
            table.add_row("~", str(now["sentence_index"]), cite["post_key"], kind, shown)
        console.print(table)

    u = diff["unmatched_quotes"]
    if u["added"] or u["removed"]:
        table = Table(title="Quotes matching no post", title_justify="left")
        table.add_column("")
        table.add_column("sent.")
        table.add_column("quote", overflow="fold")
        for q in u["removed"]:
            table.add_row("-", str(q["sentence_index"]), f"“{q['quote']}”")
        for q in u["added"]:
            table.add_row("+", str(q["sentence_index"]), f"“{q['quote']}”")
        console.print(table)

    links = diff["links"]
    for url in links["removed"]:
        console.print(f"link removed: {url}")
    for url in links["added"]:
        console.print(f"link added: {url}")


def _against(citation: dict[str, Any]) -> str:
    """The text a citation was checked against, in words: "page", "oembed, post version 2"."""
    checked = citation.get("checked_against")
    if not checked:
        return "none"
    version = checked.get("post_version_id")
    return checked["source"] + (f", post version {version}" if version is not None else "")
