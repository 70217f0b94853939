"""postlink batch (issue 16): WARC and folder inputs on a loopback Dask cluster, into the
archive or Parquet shards; the same answers as `add --offline`; failures with file and
offset; resume without redoing stored pages."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from postlink.batch.cluster import open_client
from postlink.batch.inputs import expand_inputs
from postlink.batch.run import BatchSummary, merge_shards, run_batch
from postlink.batch.shards import ShardWriter
from postlink.batch.writer import ArchiveWriter
from postlink.cli import cli
from postlink.config import Config
from postlink.errors import InputError
from postlink.store import Store
from tests.conftest import CORPUS, DATA

OWN_PAGES = sorted((DATA / "citations").glob("*.html"))


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """Two single-threaded workers in this process: starts in well under a second."""
    with open_client(None, 2, processes=False) as c:
        yield c


class Quiet:
    """A progress sink that records what it is told."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.events: list[tuple[str, str, str]] = []
        self.stop_after = stop_after

    def started(self, total_bytes: int, workers: int, dashboard: str | None) -> None:
        self.workers = workers

    def advance(self, size: int, *, status: str, where: str = "", error: str = "") -> None:
        self.events.append((status, where, error))
        stored = sum(s in ("new", "changed", "unchanged") for s, _, _ in self.events)
        if self.stop_after is not None and stored >= self.stop_after:
            raise KeyboardInterrupt  # as Ctrl-C would, in the middle of a run


def write_warc(path: Path, pages: list[tuple[str, bytes]], *, content_type: str = "text/html",
               extra: bool = True) -> list[int]:
    """A gzipped WARC of response records (each after a request record, and an image record
    after all when ``extra``); returns each response's offset, read off the file as written.
    Lengths are given so that warcio needs no temporary file (it leaves those open)."""
    offsets = []
    request = b"GET / HTTP/1.1\r\n\r\n"
    image = b"\x89PNG\r\n\x1a\n" + bytes(64)
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, body in pages:
            writer.write_record(writer.create_warc_record(
                url, "request", payload=io.BytesIO(request), length=len(request)))
            offsets.append(f.tell())
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=headers))
        if extra:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://news.example/logo.png", "response", payload=io.BytesIO(image),
                length=len(image), http_headers=headers))
    return offsets


def batch_into(db: Path, files: list[Path], client: object, *,
               progress: Quiet | None = None, chunk_pages: int = 4) -> BatchSummary:
    store = Store(db)
    try:
        return run_batch(expand_inputs([str(f) for f in files]), Config(), ArchiveWriter(store),
                         client, progress=progress or Quiet(), chunk_pages=chunk_pages)
    finally:
        store.close()


def add_offline(db: Path, pages: list[tuple[str, Path]]) -> None:
    for url, path in pages:
        result = CliRunner().invoke(cli, ["--db", str(db), "add", "--offline", str(path),
                                          "--url", url])
        assert result.exit_code == 0, result.output


def archive_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row a page produces, with article URLs in place of row ids."""
    store = Store(db)
    by_version = ("SELECT a.url, {cols} FROM {table} t JOIN article_versions v"
                  " ON v.id = t.version_id JOIN articles a ON a.id = v.article_id")
    tables = {
        "sentences": "t.idx, t.start, t.\"end\", t.text",
        "embeds": "t.idx, t.post_key, t.markup, t.position, t.text, t.truncated, t.date_text,"
                  " t.in_region",
        "links": "t.idx, t.href, t.url, t.anchor, t.start, t.\"end\", t.post_key, t.in_post,"
                 " t.in_region",
        "citations": "t.sentence_idx, t.post_key, t.kind, t.score, t.quote, t.article_start,"
                     " t.article_end, t.post_start, t.post_end, t.diff, t.beyond_truncation",
        "unmatched_quotes": "t.sentence_idx, t.quote, t.article_start, t.article_end",
    }
    rows = {name: sorted(tuple(r.values()) for r in store.query(
        by_version.format(cols=cols, table=name))) for name, cols in tables.items()}
    rows["posts"] = sorted(tuple(r.values()) for r in store.query(
        "SELECT key, platform, permalink, author_handle, author_name, created_at, provisional"
        " FROM posts"))
    rows["post_versions"] = sorted(tuple(r.values()) for r in store.query(
        "SELECT post_key, text, truncated, source, sha256 FROM post_versions"))
    rows["articles"] = sorted(tuple(r.values()) for r in store.query(
        "SELECT a.url, a.title, a.byline, a.published, v.version, v.sha256, v.text"
        " FROM articles a JOIN article_versions v ON v.article_id = a.id"))
    store.close()
    return rows


def test_same_answers_as_add_offline_on_the_corpus(tmp_path: Path, client: object) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS}); it ships with CI, not a clone")
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    pages = [(labels[p.name].get("url") or f"https://corpus.example/{p.stem}", p)
             for p in sorted(CORPUS.glob("*.html"))]
    warc = tmp_path / "corpus.warc.gz"
    write_warc(warc, [(url, path.read_bytes()) for url, path in pages])

    summary = batch_into(tmp_path / "batch.db", [warc], client)
    add_offline(tmp_path / "add.db", pages)

    assert summary.new == len(pages) and not summary.failed
    assert summary.skipped == {"request record": len(pages), "image/png": 1}
    batch, add = archive_rows(tmp_path / "batch.db"), archive_rows(tmp_path / "add.db")
    assert batch["citations"] and batch["posts"]  # the corpus has both: the test can fail
    for table in add:
        assert batch[table] == add[table], table


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode()


POST = "https://twitter.com/HarbourCrews/status/1790000000000000001"
EMBEDS = _page("Ferry crews walk out over new rota", (
    "<p>Ferry crews on the harbour line stopped work on Tuesday morning after managers "
    "published a new rota without asking them.</p>"
    "<blockquote class='twitter-tweet'><p>Nobody on the boats was asked about this rota. We "
    "will not sail until management sits down with every crew.</p>&mdash; Harbour Crews "
    f"(@HarbourCrews) <a href='{POST}'>May 14, 2024</a></blockquote>"
    "<p>The operator said talks would start on Thursday and apologised to passengers for the "
    "cancelled crossings.</p><p>Commuters queued at the terminal for most of the morning.</p>"))
LINKS = _page("Harbour talks begin as ferries stay in port", (
    "<p>Talks between the ferry operator and its crews began on Thursday, two days after the "
    "walkout that stopped every crossing on the harbour line.</p>"
    f"<p>The crews had written in <a href='{POST}'>their post</a> that they “will not sail "
    "until management sits down with every crew.”</p>"
    "<p>The operator's chief executive said she hoped for an agreement by the weekend, and "
    "passengers were told to check the timetable before travelling.</p>"))


def test_a_page_citing_a_post_archived_by_an_earlier_page_cites_as_add_does(
        tmp_path: Path, client: object) -> None:
    """The worker cannot know the linked post's text (it is in the archive); the writer's
    revision against the archive must find the quote just as `add` does."""
    files = [tmp_path / "1-embeds.html", tmp_path / "2-links.html"]
    files[0].write_bytes(EMBEDS)
    files[1].write_bytes(LINKS)
    warc = tmp_path / "pages.warc.gz"
    urls = ["https://news.example/walkout", "https://news.example/talks"]
    write_warc(warc, [(u, f.read_bytes()) for u, f in zip(urls, files, strict=True)])

    batch_into(tmp_path / "batch.db", [warc], client)
    add_offline(tmp_path / "add.db", list(zip(urls, files, strict=True)))

    batch, add = archive_rows(tmp_path / "batch.db"), archive_rows(tmp_path / "add.db")
    quoted = [c for c in batch["citations"] if c[0] == urls[1] and c[2] == "x:1790000000000000001"
              and c[3] in ("verbatim", "partial")]
    assert quoted, batch["citations"]  # found only with the archived text of the post
    assert batch == add


def test_folder_of_pages_is_named_and_stored_as_add_names_files(tmp_path: Path,
                                                                client: object) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for page in OWN_PAGES[:3]:
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / ".hidden.html").write_bytes(b"<p>not read</p>")
    summary = batch_into(tmp_path / "batch.db", [folder], client)
    db = tmp_path / "add.db"
    for page in OWN_PAGES[:3]:
        result = CliRunner().invoke(cli, ["--db", str(db), "add", "--offline",
                                          str(folder / page.name)])
        assert result.exit_code == 0, result.output
    assert summary.new == 3
    assert archive_rows(tmp_path / "batch.db") == archive_rows(db)


def test_a_failing_record_is_reported_with_its_file_and_offset_and_the_run_goes_on(
        tmp_path: Path, client: object) -> None:
    good = [(f"https://news.example/{p.stem}", p.read_bytes()) for p in OWN_PAGES[:2]]
    binary = ("https://news.example/broken", b"\x00\x01\x02 not a page" * 50)
    warc = tmp_path / "mixed.warc.gz"
    offsets = write_warc(warc, [good[0], binary, good[1]])
    # a second file cut short in the middle of its only page
    whole = tmp_path / "whole.warc.gz"
    cut_at = write_warc(whole, good[:1], extra=False)[0]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-400])

    summary = batch_into(tmp_path / "a.db", [warc, cut], client)

    assert summary.new == 2 and summary.exit_code == 1
    failed = dict(summary.failed)  # reported as found: the cut file before the worker's result
    assert sorted(failed) == [f"{cut}@{cut_at}", f"{warc}@{offsets[1]}"]
    assert "binary data" in failed[f"{warc}@{offsets[1]}"]
    assert f"WARC record cut short at offset {cut_at}" in failed[f"{cut}@{cut_at}"]
    store = Store(tmp_path / "a.db")
    states = store.query("SELECT byte_offset, state, error FROM batch_records WHERE file = ?"
                         " ORDER BY byte_offset", (str(warc),))
    store.close()
    assert [(r["byte_offset"], r["state"]) for r in states] == [
        (offsets[0], "done"), (offsets[1], "failed"), (offsets[2], "done")]


def test_an_interrupted_batch_resumes_without_redoing_stored_pages(tmp_path: Path,
                                                                  client: object) -> None:
    pages = [(f"https://news.example/{p.stem}", p.read_bytes()) for p in OWN_PAGES]
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, pages)

    first = batch_into(tmp_path / "a.db", [warc], client, progress=Quiet(stop_after=2),
                       chunk_pages=2)
    assert first.interrupted and first.exit_code == 1
    stored = first.new
    assert 2 <= stored < len(pages)

    second = batch_into(tmp_path / "a.db", [warc], client)
    assert second.already_done == stored
    assert second.new == len(pages) - stored and not second.interrupted

    batch_into(tmp_path / "whole.db", [warc], client)
    assert archive_rows(tmp_path / "a.db") == archive_rows(tmp_path / "whole.db")


def test_shards_merge_into_the_same_archive_and_resume(tmp_path: Path, client: object) -> None:
    pages = [(f"https://news.example/{p.stem}", p.read_bytes()) for p in OWN_PAGES]
    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, pages)
    shards = tmp_path / "shards"
    files = expand_inputs([str(warc)])

    first = run_batch(files, Config(), ShardWriter(shards, rows_per_shard=2), client,
                      progress=Quiet(stop_after=None), chunk_pages=2)
    assert first.written == len(pages) and len(list(shards.glob("part-*.parquet"))) == 3
    again = run_batch(files, Config(), ShardWriter(shards, rows_per_shard=2), client,
                      progress=Quiet(), chunk_pages=2)
    assert again.already_done == len(pages) and again.written == 0

    store = Store(tmp_path / "merged.db")
    merged = merge_shards(shards, ArchiveWriter(store), progress=Quiet())
    twice = merge_shards(shards, ArchiveWriter(store), progress=Quiet())
    store.close()
    assert merged.new == len(pages) and twice.already_done == len(pages)
    batch_into(tmp_path / "direct.db", [warc], client)
    assert archive_rows(tmp_path / "merged.db") == archive_rows(tmp_path / "direct.db")


def test_cli_against_a_running_scheduler(tmp_path: Path) -> None:
    """What the issue's check does: a scheduler and two workers on loopback, --scheduler."""
    from distributed import LocalCluster

    warc = tmp_path / "pages.warc.gz"
    write_warc(warc, [(f"https://news.example/{p.stem}", p.read_bytes()) for p in OWN_PAGES])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                      host="127.0.0.1", dashboard_address=None) as cluster:
        result = CliRunner().invoke(cli, [
            "--db", str(tmp_path / "a.db"), "batch", str(warc), "--scheduler",
            cluster.scheduler_address, "--no-progress"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"batch: {len(OWN_PAGES)} pages in ")
    assert lines[0].endswith(f"on 2 worker(s): {len(OWN_PAGES)} new, 0 changed, 0 unchanged; "
                             f"{lines[0].split('; ')[1]}")
    assert f"skipped {len(OWN_PAGES) + 1} records that are not pages: {len(OWN_PAGES)} " \
           "request record, 1 image/png" in lines


@pytest.mark.parametrize(("args", "message"), [
    (["batch"], "give INPUT files or folders"),
    (["batch", "--merge", "shards", "x.warc"], "--merge DIR stores shards already written"),
    (["batch", "x.warc", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
     "--workers sizes the local cluster"),
])
def test_cli_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), *args])
    assert result.exit_code == 2 and message in result.output


def test_cli_unknown_input_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "batch",
                                      str(tmp_path / "notes.pdf")])
    assert result.exit_code == 2
    assert "not a WARC/ARC (.warc, .warc.gz, .arc, .arc.gz) or .html/.htm/.txt/.md file" \
        in result.output


def test_cli_without_the_batch_extra_says_how_to_install_it(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else real(name, *a))
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "batch", "x.warc"])
    assert result.exit_code == 2
    assert "Error: postlink batch: distributed not installed; install the batch extra: " \
           "pip install 'postlink[batch]'" in result.output


def test_a_chunk_the_cluster_loses_fails_its_pages_and_the_run_goes_on(
        tmp_path: Path, client: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """A task that raises on the cluster (as a killed worker's does) fails its pages only."""
    import postlink.batch.run as run_module
    from postlink.batch.work import analyse_pages

    def flaky(articles: list) -> list:
        if any(a.url.endswith("/lost") for a in articles):
            raise MemoryError("worker ran out of memory")
        return analyse_pages(articles)

    monkeypatch.setattr(run_module, "analyse_pages", flaky)
    pages = [(f"https://news.example/{p.stem}", p.read_bytes()) for p in OWN_PAGES[:4]]
    warc = tmp_path / "pages.warc.gz"
    offsets = write_warc(warc, [*pages[:2], ("https://news.example/lost", pages[2][1]),
                                pages[3]])
    summary = batch_into(tmp_path / "a.db", [warc], client, chunk_pages=2)
    assert summary.new == 2
    assert [where for where, _ in summary.failed] == [f"{warc}@{offsets[2]}", f"{warc}@{offsets[3]}"]
    assert all("the cluster failed this page's task (MemoryError: worker ran out of memory)"
               in error for _, error in summary.failed)


def test_list_files_name_inputs_relative_to_themselves(tmp_path: Path) -> None:
    (tmp_path / "crawl").mkdir()
    warc = tmp_path / "crawl" / "a.warc.gz"
    write_warc(warc, [])
    page = tmp_path / "page.html"
    page.write_bytes(OWN_PAGES[0].read_bytes())
    listing = tmp_path / "inputs.txt"
    listing.write_text(f"# crawl of May\ncrawl/a.warc.gz\n\n{page}  # absolute\ncrawl/a.warc.gz\n")
    assert expand_inputs([], [str(listing)]) == [warc.resolve(), page.resolve()]
    listing.write_text("crawl/missing.warc.gz\n")
    with pytest.raises(InputError, match="missing.warc.gz: no such file or folder"):
        expand_inputs([], [str(listing)])


def test_our_own_warc_export_batches_back_into_the_same_rows(tmp_path: Path,
                                                            client: object) -> None:
    """`postlink export --format warc` writes pages read from files as resource records."""
    pages = [(f"https://news.example/{p.stem}", p) for p in OWN_PAGES]
    add_offline(tmp_path / "add.db", pages)
    warc = tmp_path / "export.warc.gz"
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "add.db"), "export", "--format",
                                      "warc", "-o", str(warc)])
    assert result.exit_code == 0, result.output

    summary = batch_into(tmp_path / "batch.db", [warc], client)
    assert summary.new == len(pages) and not summary.failed
    assert summary.skipped["metadata record"] == len(pages)  # the audits beside the pages
    assert archive_rows(tmp_path / "batch.db") == archive_rows(tmp_path / "add.db")
