"""Document extraction: body text, sentences and links, with embed text kept out of the prose."""

from pathlib import Path

import pytest

from postlink.errors import InputError
from postlink.extract.document import extract_html, extract_text

DATA = Path(__file__).resolve().parent / "data"

ARTICLE = """<!doctype html><html><head><title>Bridge vote delayed</title></head><body>
<nav><a href="/">Home</a></nav>
<article>
<h1>Bridge vote delayed</h1>
<p>The council postponed the bridge vote on Tuesday after a long and noisy public meeting in the city hall.</p>
<p>Councillor Field posted his objection on X before the meeting began, and several colleagues agreed with him.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">That is not a plan, it is a penalty. <a href="https://t.co/abc">https://t.co/abc</a></p>&mdash; Omar Field (@OmarFieldPC) <a href="https://twitter.com/OmarFieldPC/status/1846631010010116096?ref_src=twsrc%5Etfw">October 16, 2024</a></blockquote>
<p>"That is not a plan, it is a penalty," Field wrote in his <a href="https://x.com/OmarFieldPC/status/1846631010010116096?s=20">post</a>, which was shared widely.</p>
<iframe src="https://platform.twitter.com/embed/Tweet.html?id=1847012345678901234"></iframe>
<p>The vote is now expected in November, after the council has consulted residents and the port authority.</p>
</article></body></html>"""


def test_html_body_excludes_embed_text_and_keeps_quotes() -> None:
    doc = extract_html(ARTICLE, url="https://news.example/bridge")
    assert doc.title == "Bridge vote delayed"
    assert "Home" not in doc.text
    assert doc.text.count("That is not a plan") == 1  # the quote, not the embed
    assert [e.key for e in doc.embeds] == ["x:1846631010010116096", "x:1847012345678901234"]
    first = doc.embeds[0]
    assert (first.author_handle, first.author_name, first.markup) == ("OmarFieldPC", "Omar Field", "blockquote")
    assert first.text.startswith("That is not a plan, it is a penalty.")
    assert doc.embeds[1].markup == "iframe"
    # the embed sat between the 2nd and 3rd paragraph
    assert doc.text[: first.position].rstrip().endswith("agreed with him.")
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)


def test_html_links_have_offsets_and_canonical_urls() -> None:
    doc = extract_html(ARTICLE, url="https://news.example/bridge")
    post_links = [link for link in doc.links if "status" in link.url]
    assert len(post_links) == 1
    link = post_links[0]
    assert link.href == "https://x.com/OmarFieldPC/status/1846631010010116096?s=20"
    assert link.url == "https://x.com/OmarFieldPC/status/1846631010010116096"
    assert doc.text[link.start:link.end] == "post"


def test_amp_twitter_embed() -> None:
    html = ('<html><body><p>The library announced longer hours for the exam season this year.</p>'
            '<amp-twitter data-tweetid="1848123456789012345" width="375" height="472"></amp-twitter>'
            '<p>Students had asked for the change in a petition last spring, the board said.</p></body></html>')
    doc = extract_html(html)
    assert [(e.key, e.markup) for e in doc.embeds] == [("x:1848123456789012345", "amp")]


def test_x_com_permalink_in_blockquote() -> None:
    html = ('<html><body><p>A long enough paragraph of article prose to be kept by the extractor.</p>'
            '<blockquote class="twitter-tweet"><p>Text of the post.</p>&mdash; A B (@ab_c) '
            '<a href="https://x.com/ab_c/status/20">March 21, 2006</a></blockquote></body></html>')
    doc = extract_html(html)
    assert [(e.key, e.author_handle) for e in doc.embeds] == [("x:20", "ab_c")]


def test_text_with_flattened_posts() -> None:
    text = (DATA / "articles" / "ferry-strike.txt").read_text(encoding="utf-8")
    doc = extract_text(text)
    assert doc.title == "Ferry crews walk out over rota changes"
    handles = [(e.author_handle, e.author_name, e.date_text, e.truncated) for e in doc.embeds]
    assert handles == [
        ("PriyaNandUnion", "Priya Nand", "March 4, 2024", False),
        ("TBrennanFerries", "Tom Brennan", "March 4, 2024", True),
    ]
    assert doc.embeds[0].text.startswith("Crews have not been consulted")
    assert "pic.twitter.com/Qy7RotaPic" in doc.embeds[0].text
    # post text never becomes an article sentence
    assert not any("Our door is open" in s.text for s in doc.sentences)
    assert not any("management talks to us. https" in s.text for s in doc.sentences)
    # abbreviations do not split the last sentence
    assert doc.sentences[-1].text.startswith("Sen. Alice Grey of the U.S. delegation, visiting on Oct. 17")


def test_attribution_on_its_own_line() -> None:
    text = ("Prose before the post, with enough words to be a sentence.\n\n"
            "We are open late tonight for the festival.\n"
            "— City Museum (@CityMuseum) July 1, 2023\n\n"
            "Prose after the post.")
    doc = extract_text(text)
    assert [(e.author_handle, e.text) for e in doc.embeds] == [
        ("CityMuseum", "We are open late tonight for the festival.")]
    assert [s.text for s in doc.sentences] == [
        "Prose before the post, with enough words to be a sentence.", "Prose after the post."]


def test_attribution_in_own_paragraph_takes_previous_paragraph() -> None:
    text = ("Intro sentence here.\n\nThe post text on its own.\n\n"
            "— Someone (@someone) 2023年12月2日\n\nOutro sentence here.")
    doc = extract_text(text)
    assert [(e.author_handle, e.text, e.date_text) for e in doc.embeds] == [
        ("someone", "The post text on its own.", "2023年12月2日")]
    assert [s.text for s in doc.sentences] == ["Intro sentence here.", "Outro sentence here."]


def test_flattened_post_with_permalink_gets_real_key() -> None:
    text = ("Intro.\n\nThe post. — A Name (@aname) [May 5, 2024](https://twitter.com/aname/status/1787000000000000000)\n\n"
            "Outro.")
    doc = extract_text(text, markdown=True)
    assert [(e.key, e.provisional) for e in doc.embeds] == [("x:1787000000000000000", False)]


def test_flattened_post_without_permalink_gets_provisional_key() -> None:
    a = extract_text("Intro.\n\nSame words here. — N (@handle) May 5, 2024").embeds[0]
    b = extract_text("Other intro.\n\nSame   words, here! — N (@Handle) May 5, 2024").embeds[0]
    assert a.provisional and a.key.startswith("x:@handle/")
    assert a.key == b.key


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<html><head><title>t</title></head></html>", "no body text"),
        ("", "empty"),
    ],
)
def test_unusable_html(html: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        extract_html(html)


def test_binary_bytes_are_refused() -> None:
    with pytest.raises(InputError, match="binary"):
        extract_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_non_utf8_text_is_decoded() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 owners said the rent was “too high” this year, and many of them plan to move.</p></body></html>'
    doc = extract_html(html.encode("cp1252"))
    assert "Café owners" in doc.text and "“too high”" in doc.text


def test_single_newline_paragraphs_from_a_browser_copy() -> None:
    text = ("Ferry crews stopped work on Monday.\n"
            "The union posted a statement on X.\n"
            "We are standing together until management talks to us.\n"
            "— Priya Nand (@PriyaNandUnion) March 4, 2024\n"
            "\"We are standing together,\" Nand wrote.\n"
            "Talks resume on Wednesday.")
    doc = extract_text(text)
    assert [(e.author_handle, e.text) for e in doc.embeds] == [
        ("PriyaNandUnion", "We are standing together until management talks to us.")]
    assert [s.text for s in doc.sentences] == [
        "Ferry crews stopped work on Monday.", "The union posted a statement on X.",
        "\"We are standing together,\" Nand wrote.", "Talks resume on Wednesday."]


def test_em_dash_glued_to_the_post_text() -> None:
    text = "Intro line here.\n\nMeth is bad, mkay https://t.co/Nc0nKo— Some One 🎄 (@some_one) November 18, 2019\n\nOutro."
    doc = extract_text(text)
    assert [(e.author_handle, e.author_name, e.text) for e in doc.embeds] == [
        ("some_one", "Some One 🎄", "Meth is bad, mkay https://t.co/Nc0nKo")]


def test_attribution_with_an_unconverted_mdash_entity() -> None:
    text = "Intro line here.\n\nThe vote is tomorrow. &mdash; Jo Bloggs (@jobloggs) June 1, 2024\n\nOutro."
    doc = extract_text(text)
    assert [(e.author_handle, e.author_name, e.text) for e in doc.embeds] == [
        ("jobloggs", "Jo Bloggs", "The vote is tomorrow.")]


def test_a_dash_inside_the_post_text_is_not_the_attribution_dash() -> None:
    text = "Intro line here.\n\nWe won — finally. — Jo Bloggs (@jobloggs) June 1, 2024\n\nOutro."
    doc = extract_text(text)
    assert [(e.author_name, e.text) for e in doc.embeds] == [("Jo Bloggs", "We won — finally.")]


def _chunked_article(second_chunk_class: str) -> str:
    prose = " ".join(["The ferry timetable changes in spring, and the operator says crossings will"
                      " be fewer but longer, with larger boats on the main route."] * 3)
    return f"""<!doctype html><html><head><title>Ferry timetable</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article class="story">
<h1>Ferry timetable</h1>
<div class="story-chunk body-text"><p>First part. {prose}</p><p>Second paragraph. {prose}</p></div>
<div class="ad-slot"><p>Advertisement</p></div>
<div class="{second_chunk_class}"><p>Third paragraph, after the advert. Riders
<a href="https://x.com/IslandRider/status/1850000000000000001">complained on X</a> about the
change. {prose}</p>
<blockquote class="twitter-tweet"><p>Fewer boats, longer queues.</p>&mdash; Island Rider (@IslandRider)
<a href="https://twitter.com/IslandRider/status/1850000000000000002">Oct 26, 2024</a></blockquote>
<p>Fourth paragraph closes the story. {prose}</p></div>
</article>
<div class="adblock-notice"><div class="story-chunk body-text"><p>Please turn off your ad
blocker so that we can keep publishing stories like this one for you.</p></div></div>
</body></html>"""


def test_article_cut_into_chunks_keeps_every_chunk_with_links_and_embeds() -> None:
    doc = extract_html(_chunked_article("story-chunk body-text"), url="https://news.example/ferry")
    assert doc.text.index("First part") < doc.text.index("Third paragraph") < doc.text.index("Fourth")
    link = next(link for link in doc.links if "1850000000000000001" in link.url)
    assert doc.text[link.start:link.end] == "complained on X"
    embed = next(e for e in doc.embeds if e.key == "x:1850000000000000002")
    assert doc.text.index("Third paragraph") < embed.position <= doc.text.index("Fourth")
    assert "ad blocker" not in doc.text  # same class, inside the ad-block notice
    assert "Advertisement" not in doc.text


def test_a_container_of_another_class_is_not_taken_for_a_chunk() -> None:
    doc = extract_html(_chunked_article("comments-box"), url="https://news.example/ferry")
    assert "First part" in doc.text
    assert "ad blocker" not in doc.text


def test_an_article_inside_a_page_wide_form_is_read() -> None:
    # ASP.NET WebForms pages wrap the whole body in one <form>; the extractor keeps a form that
    # holds most of the text and drops a small one (a search box). Forms, labels and inputs are
    # the elements whose lxml classes extraction does not use (document._PARSER).
    prose = ("The harbour board voted on Monday to extend the ferry timetable into the evening,"
             " after a petition signed by more than two thousand island residents.")
    html = f"""<!doctype html><html><body><form id="aspnetForm" action="/story.aspx">
<div class="search"><form action="/search"><label for="q">Search the site</label>
<input id="q" name="q" value="ferry"></form></div>
<article><p>{prose}</p>
<blockquote class="twitter-tweet"><p>Evening boats at last.</p>&mdash; Island Rider (@IslandRider)
<a href="https://twitter.com/IslandRider/status/1850000000000000003">Oct 27, 2024</a></blockquote>
<p>Second paragraph. {prose}</p></article></form></body></html>"""
    doc = extract_html(html, url="https://news.example/ferry")
    assert doc.text.startswith("The harbour board voted") and "Second paragraph." in doc.text
    assert "Search the site" not in doc.text
    assert [e.key for e in doc.embeds] == ["x:1850000000000000003"]
    assert doc.text[: doc.embeds[0].position].rstrip().endswith("island residents.")


@pytest.mark.parametrize("line", [
    "[embed]https://twitter.com/valleybus_ex/status/1740000000000000501[/embed]",  # a WordPress shortcode in a feed
    "[tweet https://twitter.com/valleybus_ex/status/1740000000000000501]",
])
def test_a_post_url_inside_square_brackets_in_text_is_a_post_link(line: str) -> None:
    doc = extract_text(f"The night buses return on Friday.\n\n{line}\n\nDrivers welcomed the news.")
    assert [p.key for p in doc.post_links] == ["x:1740000000000000501"]
