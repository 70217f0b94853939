"""End to end through the CLI against a loopback site, and bad input through the CLI."""

import gzip
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlink.cli import cli
from postlink.store import Store
from tests.conftest import DATA, LoopbackSite

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>Harbour toll plan</title></head><body>
<article>
<h1>Harbour toll plan</h1>
<p>The council postponed Tuesday's vote on the harbour bridge after residents filled the chamber. The Port City Herald called the toll “the only way to pay for the bridge.”</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">The bridge toll would cost a commuter more than 900 dollars a year. That is not a plan, it is a penalty.</p>&mdash; Omar Field (@OmarFieldPC) <a href="https://twitter.com/OmarFieldPC/status/1846631010010116096?ref_src=twsrc%5Etfw">October 16, 2024</a></blockquote>
<p>"That is not a plan, it is a penalty," Field wrote. He said the toll "would cost a commuter more than 900 dollars" every year.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">I will sit down with residents before we vote again. Nobody is rushing this.</p>&mdash; Lena Ortiz (@MayorOrtizPC) <a href="https://x.com/MayorOrtizPC/status/1846702222333444555">October 16, 2024</a></blockquote>
<p>The mayor answered within the hour: “Nobody is rushing this.”</p>
</article></body></html>"""


def run(config: Path, *args: str, input: bytes | None = None):
    return CliRunner().invoke(cli, ["--config", str(config), *args], input=input)


def _db(config: Path) -> Store:
    return Store(config.parent / "archive.db")


def test_add_url_then_audit_json(site: LoopbackSite, loopback_config: Path) -> None:
    url = site.add("/news/toll.html", ARTICLE)
    result = run(loopback_config, "add", url)
    assert result.exit_code == 0, result.output
    assert "article 1 v1 (added)" in result.output

    result = run(loopback_config, "audit", url, "--format", "json")
    assert result.exit_code == 0, result.output
    audit = json.loads(result.output)
    assert set(audit) == {"article", "posts", "citations", "links", "uncited_posts", "unmatched_quotes"}
    assert audit["article"]["url"] == url
    assert audit["article"]["title"] == "Harbour toll plan"
    posts = {p["key"]: p for p in audit["posts"]}
    assert posts["x:1846631010010116096"]["author_handle"] == "OmarFieldPC"
    assert posts["x:1846631010010116096"]["created_at"] == "2024-10-16"
    assert posts["x:1846702222333444555"]["author_name"] == "Lena Ortiz"
    assert all(p["embedded"] for p in posts.values())

    pairs = {(c["post_key"], c["kind"], c["quote"], c["sentence"]) for c in audit["citations"]}
    # the long quotes are kept by any sane scorer; the short one is the scorer's call
    required = {
        # one citation per (sentence, post): the sentence's quotes of that post are joined
        ("x:1846631010010116096", "verbatim", "That is not a plan, it is a penalty",
         '"That is not a plan, it is a penalty," Field wrote.'),
        ("x:1846631010010116096", "partial", "would cost a commuter more than 900 dollars",
         'He said the toll "would cost a commuter more than 900 dollars" every year.'),
    }
    optional = {("x:1846702222333444555", "verbatim", "Nobody is rushing this",
                 "The mayor answered within the hour: “Nobody is rushing this.”")}
    assert required <= pairs <= required | optional
    assert [u["quote"] for u in audit["unmatched_quotes"]] == ["the only way to pay for the bridge."]
    cited = {c["post_key"] for c in audit["citations"]}
    assert set(audit["uncited_posts"]) == set(posts) - cited


def test_spans_index_into_the_body_text(site: LoopbackSite, loopback_config: Path) -> None:
    url = site.add("/news/toll.html", ARTICLE)
    run(loopback_config, "add", url)
    audit = json.loads(run(loopback_config, "audit", "1", "--format", "json").output)
    body = _db(loopback_config).latest_version(1)["text"]
    for c in audit["citations"]:
        start, end = c["article_span"]
        # a span runs from the first quoted word to the last; each quote lies inside it
        for quote in c["quote"].split(" | "):
            assert quote in body[start:end]
        assert c["quote"].split(" | ")[0] in c["sentence"]


def test_add_text_file_and_audit_by_path(loopback_config: Path) -> None:
    path = DATA / "articles" / "ferry-strike.txt"
    result = run(loopback_config, "add", str(path), "--url", "https://news.example/ferry")
    assert result.exit_code == 0, result.output
    audit = json.loads(run(loopback_config, "audit", str(path), "--format", "json").output)
    assert audit["article"]["url"] == "https://news.example/ferry"
    handles = [p["author_handle"] for p in audit["posts"]]
    assert handles == ["PriyaNandUnion", "TBrennanFerries"]
    cited = {(c["sentence_index"], c["post_key"].split("/")[0], c["kind"], c["quote"])
             for c in audit["citations"]}
    quotes = {  # sentence 0 is the headline
        (4, "x:@priyanandunion", "verbatim",
         "We are standing together until management talks to us | not been consulted"),
        (6, "x:@tbrennanferries", "partial", "met the union twice in February"),
    }
    # "Priya Nand posted a statement on X", "replied in a post of his own": the scorer's call
    attributions = {(3, "x:@priyanandunion", "attribution", ""), (5, "x:@tbrennanferries", "attribution", "")}
    assert quotes <= cited <= quotes | attributions
    assert sorted(u["quote"] for u in audit["unmatched_quotes"]) == ["a lifeline.", "the worst in a decade."]


def test_add_from_stdin(loopback_config: Path) -> None:
    text = "Intro sentence of a pasted article.\n\nA post. — Someone (@someone) May 1, 2024\n\n"
    result = run(loopback_config, "add", "-", input=text.encode())
    assert result.exit_code == 0, result.output
    assert "1 posts" in result.output


def test_table_output_names_posts_and_quotes(site: LoopbackSite, loopback_config: Path) -> None:
    url = site.add("/news/toll.html", ARTICLE)
    run(loopback_config, "add", url)
    result = run(loopback_config, "audit", "1")
    assert result.exit_code == 0
    assert "@OmarFieldPC" in result.output and "verbatim" in result.output
    assert "Quotes matching no post" in result.output


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        (lambda site, tmp: str(_write(tmp / "empty.html", b"")), 2, "empty"),
        (lambda site, tmp: str(_write(tmp / "img.html", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(200)))), 2, "binary"),
        (lambda site, tmp: str(_write(tmp / "nobody.html", b"<html><head><title>x</title></head></html>")), 2, "no body text"),
        (lambda site, tmp: str(_write(tmp / "notes.pdf", b"%PDF-1.4")), 2, "unsupported file type"),
        (lambda site, tmp: str(tmp / "missing.html"), 2, "cannot read"),
        (lambda site, tmp: str(_write(tmp / "big.txt", b"word " * 50_000)), 2, "larger than [network] max_bytes"),
        (lambda site, tmp: f"http://127.0.0.1:{_unused_port()}/a", 1, "cannot connect"),
        (lambda site, tmp: site.add("/gone", "gone", status=404), 1, "HTTP 404"),
        (lambda site, tmp: site.add("/huge", "<p>" + "x" * 300_000 + "</p>"), 1, "too large"),
        (lambda site, tmp: site.add("/img.png", b"\x89PNG", Content_Type="image/png"), 2, "not HTML or text"),
    ],
)
def test_bad_input_is_one_clear_line_and_leaves_db_consistent(
    site: LoopbackSite, loopback_config: Path, tmp_path: Path, setup, code: int, message: str
) -> None:
    good = site.add("/ok.html", ARTICLE)
    assert run(loopback_config, "add", good).exit_code == 0
    # the failed request itself is kept (fetch_log, and its body: raw captures, issue 13)
    kept = ("fetch_log", "bodies")
    before = {k: v for k, v in _db(loopback_config).table_counts().items() if k not in kept}
    result = run(loopback_config, "add", setup(site, tmp_path))
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines
    after = {k: v for k, v in _db(loopback_config).table_counts().items() if k not in kept}
    assert after == before


def test_gzip_bomb_is_capped(site: LoopbackSite, loopback_config: Path) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000 + b"</p>")
    url = site.add("/bomb.html", bomb, Content_Encoding="gzip")
    result = run(loopback_config, "add", url)
    assert result.exit_code == 1 and "too large" in result.output


def test_non_utf8_text_file(loopback_config: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "latin.txt", "Les élus ont voté «non» hier soir.\n\nLa séance a duré trois heures.".encode("latin-1"))
    result = run(loopback_config, "add", str(path))
    assert result.exit_code == 0, result.output
    audit = json.loads(run(loopback_config, "audit", str(path), "--format", "json").output)
    assert audit["article"]["sentence_count"] == 2


def test_audit_unknown_article_exits_1(loopback_config: Path) -> None:
    _db(loopback_config).close()  # an empty archive
    result = run(loopback_config, "audit", "42")
    assert result.exit_code == 1
    assert result.output == ("Error: article '42': not in the archive; `postlink list` shows "
                             "the archived articles, `postlink add` adds one\n")


def test_offline_refuses_urls(loopback_config: Path) -> None:
    result = run(loopback_config, "add", "--offline", "https://news.example/a")
    assert result.exit_code == 2 and "--offline" in result.output


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"postlink {name}" in readme, f"README does not show `postlink {name}`"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
