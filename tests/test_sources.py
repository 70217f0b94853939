"""Each source kind turns a document (or a folder) into article items; broken input is an error."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from postlink.errors import FetchError
from postlink.sources import Item
from postlink.sources.feeds import feed_urls, parse_feed
from postlink.sources.folders import scan_folder
from postlink.sources.lists import parse_list
from postlink.sources.sitemaps import parse_sitemap

RSS2 = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>
<title>Port City</title><link>https://news.example/</link>
<item><title>Bridge</title><link>https://news.example/bridge?utm_source=rss</link>
  <pubDate>Wed, 16 Oct 2024 10:00:00 GMT</pubDate></item>
<item><title>Proxied</title><link>http://feeds.feedburner.com/~r/portcity/~3/xyz/</link>
  <feedburner:origLink>https://news.example/flood</feedburner:origLink></item>
<item><title>Proxied, guid only</title><link>http://feedproxy.google.com/~r/portcity/~3/abc/</link>
  <guid>https://news.example/library</guid></item>
<item><title>No link</title><guid>https://news.example/permalink</guid></item>
<item><title>Opaque guid</title><guid isPermaLink="false">https://news.example/opaque</guid></item>
<item><title>Bridge again</title><link>https://news.example/bridge?utm_source=rss</link></item>
</channel></rss>"""

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>
<link>http://old.example/</link><description>d</description><language>en</language>
<item><title>One</title><link>http://old.example/1</link></item></channel></rss>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://rdf.example/"><title>RDF</title><link>http://rdf.example/</link></channel>
<item rdf:about="http://rdf.example/a"><title>A</title><link>http://rdf.example/a</link>
  <dc:date>2024-10-17T08:00:00Z</dc:date></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title><id>tag:atom.example,2024:feed</id>
<updated>2024-10-17T09:00:00Z</updated>
<entry><id>tag:atom.example,2024:1</id><title>Relative</title>
  <link rel="alternate" href="/stories/1"/><updated>2024-10-17T08:00:00Z</updated></entry>
</feed>"""


def test_rss2_items_with_proxies_resolved_and_duplicates_dropped() -> None:
    assert parse_feed(RSS2, feed_url="https://news.example/feed.xml") == [
        Item("https://news.example/bridge?utm_source=rss",
             stamp="Wed, 16 Oct 2024 10:00:00 GMT", title="Bridge"),
        Item("https://news.example/flood", title="Proxied"),
        Item("https://news.example/library", title="Proxied, guid only"),
        Item("https://news.example/permalink", title="No link"),
    ]


@pytest.mark.parametrize(("body", "url", "expected"), [
    (RSS091, "http://old.example/rss", ["http://old.example/1"]),
    (RDF, "http://rdf.example/rdf", ["http://rdf.example/a"]),
    (ATOM, "https://atom.example/atom.xml", ["https://atom.example/stories/1"]),
])
def test_other_feed_formats(body: bytes, url: str, expected: list[str]) -> None:
    assert feed_urls(body, feed_url=url) == expected


def test_atom_and_rdf_dates_become_stamps() -> None:
    assert parse_feed(ATOM, feed_url="https://atom.example/")[0].stamp == "2024-10-17T08:00:00Z"
    assert parse_feed(RDF, feed_url="http://rdf.example/")[0].stamp == "2024-10-17T08:00:00Z"


def test_empty_feed_is_not_an_error() -> None:
    body = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    assert parse_feed(body, feed_url="https://quiet.example/feed") == []


@pytest.mark.parametrize(("body", "message"), [
    (b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>",
     "https://f.example/feed: returned an HTML page, not a feed; check the feed URL"),
    (b"<rss><channel><item><link>http://x.example/1</li", "not a readable feed"),
    (b"this is not xml at all", "not a readable feed"),
    (b"", "not a readable feed"),
])
def test_unreadable_feeds_fail_with_one_line(body: bytes, message: str) -> None:
    with pytest.raises(FetchError) as info:
        parse_feed(body, feed_url="https://f.example/feed")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_feed_that_is_slightly_broken_but_has_items_is_read() -> None:
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>A &nbsp; B</title><link>http://x.example/1</link></item>"
            b"<item><title>cut")
    assert feed_urls(body, feed_url="http://x.example/feed") == ["http://x.example/1"]


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a</loc><lastmod>2024-10-17</lastmod></url>
<url><loc>https://news.example/b</loc>
  <news:news><news:publication><news:name>Port City</news:name><news:language>en</news:language>
  </news:publication><news:publication_date>2024-10-17T08:00:00+00:00</news:publication_date>
  <news:title>Flood</news:title></news:news></url>
<url><loc>ftp://news.example/c</loc></url>
<url><loc> https://news.example/a </loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/sitemap-2024-10.xml.gz</loc><lastmod>2024-10-17</lastmod></sitemap>
<sitemap><loc>https://news.example/sitemap-2024-09.xml</loc></sitemap>
</sitemapindex>"""


def test_urlset_and_news_sitemap() -> None:
    sitemap = parse_sitemap(URLSET, url="https://news.example/sitemap.xml")
    assert sitemap.children == ()
    assert sitemap.items == (
        Item("https://news.example/a", stamp="2024-10-17"),
        Item("https://news.example/b", stamp="2024-10-17T08:00:00+00:00", title="Flood"),
    )


def test_sitemap_index_lists_children() -> None:
    sitemap = parse_sitemap(INDEX, url="https://news.example/sitemap.xml")
    assert sitemap.items == ()
    assert [c.url for c in sitemap.children] == ["https://news.example/sitemap-2024-10.xml.gz",
                                                 "https://news.example/sitemap-2024-09.xml"]
    assert sitemap.children[0].stamp == "2024-10-17"


def test_gzipped_sitemap() -> None:
    sitemap = parse_sitemap(gzip.compress(URLSET), url="https://news.example/s.xml.gz")
    assert [i.url for i in sitemap.items] == ["https://news.example/a", "https://news.example/b"]


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 2_000_000 + b"</urlset>")
    with pytest.raises(FetchError, match="unpacks to more than 1000000 bytes"):
        parse_sitemap(bomb, url="https://news.example/bomb.xml.gz", max_bytes=1_000_000)


def test_sitemap_entities_are_not_expanded() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<urlset><url><loc>https://news.example/&x;</loc></url></urlset>")
    items = parse_sitemap(body, url="https://news.example/s.xml").items
    assert all("root:" not in item.url for item in items)


@pytest.mark.parametrize(("body", "message"), [
    (b"<html><body>Not found</body></html>", "not a sitemap (root element <html>"),
    (b"\x1f\x8b\x08garbage", "not a readable gzip file"),
    (b"", "not a readable sitemap"),
    (b"plain words", "not a readable sitemap"),
])
def test_unreadable_sitemaps(body: bytes, message: str) -> None:
    with pytest.raises(FetchError, match=message.replace("(", r"\(")):
        parse_sitemap(body, url="https://news.example/s.xml")


def test_url_list_with_comments_and_notes() -> None:
    body = (b"\xef\xbb\xbf# morning list\n\nhttps://a.example/1\n  https://a.example/2   note\n"
            b"https://a.example/1\n# https://a.example/commented\n")
    assert parse_list(body, url="list.txt") == [Item("https://a.example/1"),
                                                 Item("https://a.example/2")]


def test_empty_url_list_is_fine_but_prose_is_not() -> None:
    assert parse_list(b"# nothing yet\n\n", url="list.txt") == []
    with pytest.raises(FetchError, match="list.txt: lists no http\\(s\\) URLs"):
        parse_list(b"<html><body>Sign in</body></html>", url="list.txt")
    with pytest.raises(FetchError, match="binary"):
        parse_list(b"\x00\x01\x02", url="list.txt")


def test_folder_lists_article_files_sorted_and_skips_the_rest(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text("<p>b</p>")
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.TXT").write_text("c")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    (tmp_path / ".draft.html").write_text("hidden")
    items = scan_folder(tmp_path)
    assert [Path(i.url).relative_to(tmp_path).as_posix() for i in items] == [
        "a.md", "b.html", "sub/c.TXT"]


def test_folder_stamp_changes_when_a_file_changes(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text("<p>one</p>")
    before = scan_folder(tmp_path)[0].stamp
    page.write_text("<p>one, edited</p>")
    os.utime(page, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert scan_folder(tmp_path)[0].stamp != before


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="is not a folder"):
        scan_folder(tmp_path / "gone")
