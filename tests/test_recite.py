"""Captures in the loop (issue 13 point 4): a post the page gave no text for is checked against
its captured text, the article versions citing it are cited again when the capture arrives,
and the audit says which text each citation was checked against."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner, Result

from postlink.cli import cli
from postlink.config import load_config
from postlink.progress import LogReporter
from postlink.recite import recite_posts, recite_version
from postlink.schedule import Schedule
from postlink.store import Store
from tests.conftest import LoopbackSite, Route
from tests.test_capture import X_HTML, X_ID, X_TEXT, x_oembed

KEY = f"x:{X_ID}"
QUOTE_SENTENCE = ('Councillor Omar Field wrote on X that the toll "would cost a commuter more '
                  'than 900 dollars a year."')
# An AMP embed carries the post's id and nothing of its text.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Toll plan splits the council</title></head>
<body><main><article>
<h1>Toll plan splits the council</h1>
<p>The council postponed Tuesday's vote on the harbour bridge toll after residents filled the chamber.</p>
<p>{quote}</p>
<amp-twitter width="375" height="472" layout="responsive" data-tweetid="{id}"></amp-twitter>
<p>The mayor said she would meet both sides before the vote{more}.</p>
<p>The Port Gazette called the plan "a tax on the night shift."</p>
</article></main></body></html>
"""


def page(tmp_path: Path, name: str, *, more: str = "", embed: str | None = None) -> Path:
    html = PAGE.format(quote=QUOTE_SENTENCE, id=X_ID, more=more)
    if embed is not None:  # the same post, embedded with its text this time
        html = html.replace(html[html.index("<amp-twitter"):html.index("</amp-twitter>") + 14],
                            embed)
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def oembed(site: LoopbackSite, loopback_config: Path) -> dict[str, str]:
    """A loopback X oEmbed endpoint answering with ``texts[post id]``; the config names it."""
    texts = {X_ID: X_TEXT}

    def answer(handler: Any) -> Route:
        status_id = parse_qs(urlsplit(handler.path).query)["url"][0].rsplit("/", 1)[-1]
        if status_id not in texts:
            return Route(404, b'{"error":"not found"}')
        return Route(200, json.dumps(x_oembed(texts[status_id])).encode(),
                     {"Content-Type": "application/json"})

    site.routes["/oembed"] = answer
    with loopback_config.open("a", encoding="utf-8") as f:
        f.write(f'\n[capture]\nx_oembed = "{site.url("/oembed")}"\n')
    return texts


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def add(config: Path, path: Path, url: str) -> None:
    result = run(config, "add", "--offline", str(path), "--url", url)
    assert result.exit_code == 0, result.output


def audit(config: Path, *args: str) -> dict[str, Any]:
    result = run(config, "audit", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def quoting(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The citations that check the sentence's quote against the post's text. Without the
    text the sentence may still be an attribution (how sure is the scorer's business)."""
    return [c for c in report["citations"]
            if c["sentence"] == QUOTE_SENTENCE and c["kind"] in ("verbatim", "partial", "altered")]


def test_a_capture_makes_the_quote_of_a_textless_embed_checkable(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path) -> None:
    add(loopback_config, page(tmp_path, "toll.html"), "https://news.example/toll")
    before = audit(loopback_config, "https://news.example/toll")
    assert [p["text"] for p in before["posts"]] == [""]
    assert quoting(before) == []  # nothing to match the quote against
    assert [q["quote"] for q in before["unmatched_quotes"]] == [
        "would cost a commuter more than 900 dollars a year.", "a tax on the night shift."]

    checked = run(loopback_config, "check-posts")
    assert checked.exit_code == 0, checked.output
    lines = checked.output.splitlines()
    assert lines[0] == f"{KEY}  not_checked → live  text: new version"
    assert re.fullmatch(f"article 1 v1 cited again with the captured text of {KEY}: \\d → 1 "
                        "citations", lines[2]), lines[2]

    after = audit(loopback_config, "https://news.example/toll")
    assert [p["text"] for p in after["posts"]] == [X_TEXT]
    [cite] = quoting(after)
    assert (cite["post_key"], cite["kind"]) == (KEY, "partial")
    assert cite["quote"] == "would cost a commuter more than 900 dollars a year"
    assert X_TEXT[slice(*cite["post_span"])] == "would cost a commuter more than 900 dollars a year"
    version = Store(tmp_path / "archive.db").query(
        "SELECT id, fetched_at FROM post_versions WHERE source = 'oembed'")[0]
    assert cite["checked_against"] == {"source": "oembed", "fetched_at": version["fetched_at"],
                                       "post_version_id": version["id"]}
    # the newspaper's quote is still nobody's post
    assert [q["quote"] for q in after["unmatched_quotes"]] == ["a tax on the night shift."]
    md = run(loopback_config, "audit", "https://news.example/toll", "--format", "md").output
    assert ("“would cost a commuter more than 900 dollars a year” (checked against the "
            f"archived oembed text of {version['fetched_at']}) |") in md
    table = run(loopback_config, "audit", "https://news.example/toll").output
    assert "Checked against an archived text (the page had none, or cut short)" in table
    row = next(line for line in table.splitlines() if "oEmbed capture" in line)
    assert [cell.strip() for cell in row.split("│")[1:-1]] == [
        "2", KEY, "oEmbed capture", version["fetched_at"], str(version["id"])]


def test_an_article_added_after_the_capture_uses_it_at_once(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path) -> None:
    add(loopback_config, page(tmp_path, "a.html"), "https://news.example/a")
    assert run(loopback_config, "check-posts").exit_code == 0
    # a later page shows the post with its own (older) wording: checked against that page
    add(loopback_config, page(tmp_path, "b.html", embed=X_HTML.format(
        text="The toll would cost a commuter more than 900 dollars a year, say critics.")),
        "https://news.example/b")
    [own] = quoting(audit(loopback_config, "https://news.example/b"))
    assert own["checked_against"]["source"] == "page"
    assert own["checked_against"]["post_version_id"] is None

    add(loopback_config, page(tmp_path, "c.html"), "https://news.example/c")
    [later] = quoting(audit(loopback_config, "https://news.example/c"))
    assert later["kind"] == "partial"
    # the platform's text is preferred to the newer copy on another article's page
    assert later["checked_against"]["source"] == "oembed"


def test_a_captured_whole_text_replaces_an_embed_text_cut_short(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path) -> None:
    # the page shows the post cut short: the quoted "900 dollars a year" lies past the cut
    cut = X_HTML.format(text="The bridge toll would cost a commuter more than…")
    add(loopback_config, page(tmp_path, "cut.html", embed=cut), "https://news.example/cut")
    before = audit(loopback_config, "https://news.example/cut")
    assert [p["text"] for p in before["posts"]] == ["The bridge toll would cost a commuter more than…"]
    [cut_cite] = quoting(before)  # matched as far as the page shows, the rest unchecked
    assert cut_cite["beyond_truncation"] is True and cut_cite["checked_against"]["source"] == "page"

    checked = run(loopback_config, "check-posts")
    assert checked.exit_code == 0, checked.output
    assert any(line.startswith("article 1 v1 cited again with the captured text of ")
               for line in checked.output.splitlines()), checked.output
    [cite] = quoting(audit(loopback_config, "https://news.example/cut"))
    assert (cite["kind"], cite["quote"]) == ("partial", "would cost a commuter more than 900 dollars a year")
    assert X_TEXT[slice(*cite["post_span"])] == "would cost a commuter more than 900 dollars a year"
    assert not cite["beyond_truncation"] and cite["checked_against"]["source"] == "oembed"


def test_a_page_text_that_goes_another_way_than_the_capture_is_kept(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path) -> None:
    # cut short, but not the beginning of the captured text: the page's words are not replaced
    cut = X_HTML.format(text="A ferry timetable for the winter months will follow soon…")
    add(loopback_config, page(tmp_path, "cut.html", embed=cut), "https://news.example/cut")
    assert run(loopback_config, "check-posts").exit_code == 0
    report = audit(loopback_config, "https://news.example/cut")
    assert quoting(report) == []
    assert all(c["checked_against"]["source"] != "oembed" for c in report["citations"])


def test_every_version_lacking_the_text_is_cited_again_and_an_edit_again(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path) -> None:
    url = "https://news.example/toll"
    add(loopback_config, page(tmp_path, "toll.html"), url)
    add(loopback_config, page(tmp_path, "toll.html", more=" on Friday"), url)
    add(loopback_config, page(tmp_path, "other.html", embed=X_HTML.format(text="Old words.")),
        "https://news.example/has-text")
    output = run(loopback_config, "check-posts").output.splitlines()
    # both versions of the article; not the page that shows the post's text itself
    assert [re.sub(r": \d → ", ": N → ", line) for line in output[2:]] == [
        f"article 1 v1 cited again with the captured text of {KEY}: N → 1 citations",
        f"article 1 v2 cited again with the captured text of {KEY}: N → 1 citations"]
    first = quoting(audit(loopback_config, url, "--version", "1"))[0]["checked_against"]
    assert first["source"] == "oembed"

    oembed[X_ID] = "The bridge toll would cost a commuter more than 950 dollars a year."
    again = run(loopback_config, "check-posts", "--all", "--json")
    assert again.exit_code == 0, again.output
    [row] = json.loads(again.output)
    assert row["new_version"] is True
    assert [(r["article_id"], r["version"], r["citations"], r["skipped"])
            for r in row["recited"]] == [(1, 1, 1, None), (1, 2, 1, None)]
    [cite] = quoting(audit(loopback_config, url))
    assert cite["kind"] == "altered" and cite["checked_against"]["post_version_id"] != \
        first["post_version_id"]
    assert cite["diff"] == "would cost a commuter more than [-950-] {+900+} dollars a year"


def test_a_version_read_differently_now_is_left_alone(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path) -> None:
    add(loopback_config, page(tmp_path, "toll.html"), "https://news.example/toll")
    store = Store(tmp_path / "archive.db")
    with store.transaction() as conn:  # as if an older postlink had extracted another text
        conn.execute("UPDATE article_versions SET text = text || ' (older extraction)'")
    checked = run(loopback_config, "check-posts")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[2] == (
        "article 1 v1 not cited again: reading its raw capture again no longer gives the "
        "stored text and posts (archived by another postlink version?)")
    assert quoting(audit(loopback_config, "https://news.example/toll")) == []
    [skipped] = recite_posts(store, [KEY])
    assert skipped.citations == skipped.citations_before  # nothing was cited again


def test_schedule_runs_check_posts_as_a_job(oembed: dict[str, str], site: LoopbackSite,
                                            loopback_config: Path, tmp_path: Path) -> None:
    add(loopback_config, page(tmp_path, "toll.html"), "https://news.example/toll")
    with loopback_config.open("a", encoding="utf-8") as f:
        f.write(f'recheck_after = 600\n\n[[sources]]\nkind = "feed"\n'
                f'url = "{site.url("/feed.xml")}"\n')
    notes: list[str] = []
    stop = threading.Event()

    def note(message: str) -> None:
        notes.append(message)
        if message.startswith("job check-posts"):
            stop.set()

    schedule = Schedule(load_config(loopback_config), reporter=LogReporter(), stop=stop,
                        notify=note)
    worker = threading.Thread(target=schedule.run)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    job = [n for n in notes if n.startswith("job check-posts")]
    assert len(job) == 1 and job[0].startswith("job check-posts: checked 1 posts in ")
    assert job[0].endswith("1 live, 0 deleted, 0 gated, 0 unavailable, 0 not checked; "
                           "1 new text version(s); 1 article version(s) cited again")
    assert quoting(audit(loopback_config, "https://news.example/toll"))[0]["kind"] == "partial"
    schedule._check_posts()  # checked a moment ago: nothing is due, nothing is said
    assert len([n for n in notes if n.startswith("job check-posts")]) == 1


def test_check_posts_job_interval() -> None:
    from postlink.config import parse_config

    def interval(capture: dict[str, Any]) -> float | None:
        config = parse_config({"capture": capture, "sources": [
            {"kind": "feed", "url": "https://news.example/feed.xml"}]})
        return Schedule(config, reporter=LogReporter(), stop=threading.Event()).post_check_interval

    assert interval({"recheck_after": 600}) == 600
    assert interval({}) == 3600  # a day's recheck_after, but new posts are looked at hourly
    assert interval({"enabled": False}) is None


def test_recite_names_nothing_for_a_post_with_page_text(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    assert recite_posts(store, ["x:1"]) == []


def test_an_older_archive_gains_the_column_and_keeps_its_audits(
        oembed: dict[str, str], loopback_config: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import postlink.store as store_module
    from postlink.report.audit import build_audit
    from postlink.schema import MIGRATIONS

    checked_text = next(n for n, m in enumerate(MIGRATIONS, 1) if "post_version_id" in m)
    with monkeypatch.context() as patch:  # the archive before citations named their text
        patch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:checked_text - 1])
        add(loopback_config, page(tmp_path, "toll.html"), "https://news.example/toll")
        add(loopback_config, page(tmp_path, "b.html", embed=X_HTML.format(text=X_TEXT)),
            "https://news.example/b")
        old = Store(tmp_path / "archive.db")
        assert not old._checked_text
        audits = [build_audit(old, "1"), build_audit(old, "2")]
        old.close()
    assert [c["checked_against"]["source"] for c in quoting(audits[1])] == ["page"]
    new = Store(tmp_path / "archive.db")
    assert new.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert new._checked_text
    assert [build_audit(new, "1"), build_audit(new, "2")] == audits
    new.close()
    run(loopback_config, "check-posts")  # the captured text equals the page copy of article 2
    [cite] = quoting(audit(loopback_config, "https://news.example/toll"))
    assert cite["checked_against"]["source"] == "embed"  # that copy, confirmed by the platform


def test_merging_a_provisional_post_moves_the_checked_text_with_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "archive.db")
    provisional, key = "x:@omarfieldpc/0123456789abcdef", KEY
    with store.transaction() as conn:
        saved = store.save_article(conn, url="https://news.example/a", original_url=None,
                                   input_path=None, title="A", byline=None, published=None,
                                   content_sha256="0" * 64, text="A.", capture_id=None)
        for k, is_provisional in ((provisional, True), (key, False)):
            store.upsert_post(conn, key=k, platform="x", permalink=None,
                              author_handle="OmarFieldPC", author_name=None, created_at=None,
                              provisional=is_provisional)
        store.add_post_version(conn, post_key=provisional, text=X_TEXT, truncated=False,
                               source="embed")
        old_id = conn.execute("SELECT id FROM post_versions").fetchone()[0]
        store.replace_citations(conn, saved.version_id, [
            {"sentence_idx": 0, "post_key": provisional, "kind": "attribution", "score": 0.9,
             "quote": "", "article_start": 0, "article_end": 2, "post_start": None,
             "post_end": None, "diff": None, "beyond_truncation": 0,
             "post_version_id": old_id}], [])
        store.merge_post(conn, provisional, key)
    [row] = store.query("SELECT post_key, post_version_id FROM citations")
    [version] = store.query("SELECT id, post_key FROM post_versions")
    assert version["post_key"] == key and version["id"] != old_id
    assert (row["post_key"], row["post_version_id"]) == (key, version["id"])


def test_reading_a_version_again_gives_the_same_citations(tmp_path: Path) -> None:
    """Each archived input kind (HTML, text and Markdown files, stdin) is read again from its
    raw capture as `add` read it: with no new post text, citing again changes nothing."""
    from postlink.config import Config
    from postlink.pipeline import ArticleInput, add_article, read_input
    from tests.conftest import DATA

    store = Store(tmp_path / "archive.db")
    files = sorted((DATA / "citations").glob("[0-9]*.*"))
    assert {f.suffix for f in files} == {".html", ".txt", ".md"}
    for i, path in enumerate(files):
        url = None if i % 2 else f"https://news.example/{path.stem}"  # file:// names too
        add_article(store, read_input(str(path), url=url, offline=True, config=Config()))
    text = (DATA / "articles" / "ferry-strike.txt").read_bytes()
    add_article(store, ArticleInput("stdin:ferry", text, "text"))  # as `add -` stores it

    def citations() -> list[list[tuple[Any, ...]]]:
        return [[tuple(v for k, v in sorted(c.items()) if k != "id")
                 for c in store.version_rows(vid, "citations", "sentence_idx, post_key")]
                for vid in versions]

    versions = [r["id"] for r in store.query("SELECT id FROM article_versions ORDER BY id")]
    before = citations()
    assert sum(map(len, before)) > 50
    done = [recite_version(store, vid) for vid in versions]
    assert [r.skipped for r in done] == [None] * len(versions)
    assert citations() == before
