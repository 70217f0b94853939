import json
from pathlib import Path

from click.testing import CliRunner

from postlink.cli import cli
from postlink.store import Store


def test_demo_archives_the_site_and_prints_an_audit(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "demo"])
    assert result.exit_code == 0, result.output
    assert "@OmarFieldPC" in result.output and "verbatim" in result.output
    store = Store(db)
    assert store.db["articles"].count == 3
    markups = {r["markup"] for r in store.query("SELECT markup FROM embeds")}
    assert {"blockquote", "iframe", "amp"} <= markups

    audit = json.loads(CliRunner().invoke(cli, ["--db", str(db), "audit", "3", "--format", "json"]).output)
    kinds = sorted((c["post_key"], c["kind"]) for c in audit["citations"])
    assert ("x:1848123456789012345", "verbatim") in kinds
    assert ("x:1848123456789012345", "link") in kinds
    assert [u["quote"] for u in audit["unmatched_quotes"]] == ["long overdue but welcome."]

    flood = json.loads(CliRunner().invoke(cli, ["--db", str(db), "audit", "2", "--format", "json"]).output)
    quoted = [(c["post_key"], c["quote"]) for c in flood["citations"] if c["quote"]]
    assert quoted == [("x:1847001234567890123",
                       "move valuables upstairs tonight | near 7.2 metres at Millbrook")]
    assert [u["quote"] for u in flood["unmatched_quotes"]] == ["higher than in 1998."]


def test_demo_twice_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    CliRunner().invoke(cli, ["--db", str(db), "demo"])
    before = Store(db).table_counts()
    CliRunner().invoke(cli, ["--db", str(db), "demo"])
    after = Store(db).table_counts()
    before.pop("fetch_log"), after.pop("fetch_log")
    assert after == before


def test_demo_resolves_the_t_co_link_inside_an_embedded_post(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert CliRunner().invoke(cli, ["--db", str(db), "demo"]).exit_code == 0
    audit = json.loads(CliRunner().invoke(cli, ["--db", str(db), "audit", "1", "--format", "json"]).output)
    [link] = audit["links"]
    assert link["url"] == "https://t.co/dEmO1bRdg"
    assert link["in_post"] == "x:1846631010010116096"
    assert link["status"] == "resolved" and link["hops"] == 1
    assert link["final_url"].endswith("/articles/river-flood.html?utm_source=twitter&utm_medium=social")
    [short] = Store(db).query("SELECT canonical_url FROM short_links")
    assert short["canonical_url"].endswith("/articles/river-flood.html")
