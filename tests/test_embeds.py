"""Embed and post-link detection on synthetic fixtures, decoys and flattened text.

Fixtures under tests/data/embeds/ are SYNTHETIC (written for these tests from each platform's
documented embed code); expected.json beside them is hand-written.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import lxml.html
import pytest

from postlink.extract.document import extract_html, extract_text, post_links
from postlink.extract.embeds import PLATFORM_FINDERS, find_embeds
from postlink.extract.embeds.chrome import in_chrome
from postlink.extract.embeds.flattened import parse_flattened
from postlink.extract.model import Link

DATA = Path(__file__).parent / "data" / "embeds"
EXPECTED = {k: v for k, v in json.loads((DATA / "expected.json").read_text("utf-8")).items()
            if not k.startswith("_")}
ARTICLE = ("<p>The council met on Tuesday evening to discuss the new bus timetable for the "
           "valley towns. Residents spoke in favour of later services on weekends.</p>")


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><article>{ARTICLE}{body}{ARTICLE}</article></body></html>"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_embeds(name: str) -> None:
    doc = extract_html((DATA / name).read_bytes())
    assert [[e.key, e.markup, e.author_handle] for e in doc.embeds] == EXPECTED[name]["embeds"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_post_links(name: str) -> None:
    doc = extract_html((DATA / name).read_bytes())
    assert [p.key for p in doc.post_links] == EXPECTED[name]["post_links"]


def test_every_platform_module_is_registered() -> None:
    modules = {p.stem for p in (Path(__file__).parents[1] / "src/postlink/extract/embeds").glob("*.py")}
    helpers = {"__init__", "markup", "chrome", "flattened", "postlinks", "parked"}
    assert {f.name for f in PLATFORM_FINDERS} == modules - helpers


def test_x_blockquote_text_author_and_truncation() -> None:
    doc = extract_html(page(
        '<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">Polls close at 8pm.'
        '<br>Bring ID…</p>&mdash; Election Desk (@electiondesk_ex) '
        '<a href="https://twitter.com/electiondesk_ex/status/1740000000000000021?ref_src=twsrc%5Etfw">'
        'December 27, 2023</a></blockquote>'))
    (embed,) = doc.embeds
    assert embed.key == "x:1740000000000000021"
    assert embed.url == "https://twitter.com/electiondesk_ex/status/1740000000000000021"
    assert embed.author_name == "Election Desk"
    assert embed.text == "Polls close at 8pm.\nBring ID…"
    assert embed.truncated
    assert "Polls close" not in doc.text  # embed text never becomes article sentences
    assert embed.position is not None


def test_x_legacy_statuses_permalink() -> None:
    doc = extract_html(page(
        '<blockquote class="twitter-tweet tw-align-center"><p>hello</p>&mdash; A (@a_ex) '
        '<a href="https://twitter.com/a_ex/statuses/370525864523743232">Aug 22, 2013</a></blockquote>'))
    assert [e.url for e in doc.embeds] == ["https://twitter.com/a_ex/status/370525864523743232"]


def test_bare_blockquote_recognised_by_structure() -> None:
    doc = extract_html(page(
        '<blockquote><p>Stripped class.</p>&mdash; Some One (@someone_ex) '
        '<a href="https://twitter.com/someone_ex/status/1740000000000000022">Dec 27, 2023</a></blockquote>'))
    assert [e.key for e in doc.embeds] == ["x:1740000000000000022"]


def test_quote_blockquote_with_a_tweet_link_is_not_an_embed() -> None:
    # A pull quote that links its source tweet mid-sentence has no "— Name (@handle)" line.
    doc = extract_html(page(
        '<blockquote><p>We will not back down, <a href="https://twitter.com/someone_ex/status/'
        '1740000000000000023">she wrote</a>, and the crowd cheered.</p></blockquote>'))
    assert doc.embeds == ()
    assert [p.key for p in doc.post_links] == ["x:1740000000000000023"]


def test_substack_card_and_bbc_screenshot_are_rendered_embeds() -> None:
    doc = extract_html(page(
        '<div class="tweet" data-attrs="{&quot;url&quot;:&quot;https://twitter.com/card_ex/status/'
        '1740000000000000024?s=20&quot;,&quot;full_text&quot;:&quot;Card text.&quot;,'
        '&quot;username&quot;:&quot;card_ex&quot;,&quot;name&quot;:&quot;Card Person&quot;}">'
        '<a class="tweet-link-top" href="https://twitter.com/card_ex/status/1740000000000000024">x</a></div>'
        '<div class="social-embed"><div class="social-embed-post social-embed-fallbacktwitter">'
        '<a class="embed-original-post-link" href="https://twitter.com/bbc_ex/status/1740000000000000025?s=20"></a>'
        '<div class="js-delayed-image-load" data-alt="Twitter post by @bbc_ex: Screenshot words"></div>'
        '</div></div>'))
    assert [(e.key, e.markup, e.author_handle, e.text) for e in doc.embeds] == [
        ("x:1740000000000000024", "rendered", "card_ex", "Card text."),
        ("x:1740000000000000025", "rendered", "bbc_ex", "Screenshot words"),
    ]
    assert doc.post_links == ()  # the cards' own links are embed markup


def test_a_substack_card_s_text_is_its_words_not_its_markup() -> None:
    # the card's data holds the post as HTML: mentions in spans, line breaks as <br>
    attrs = ('{"url":"https://twitter.com/card_ex/status/1740000000000000026","full_text":'
             '"<span class=\\"tweet-fake-link\\">@ferryboard</span> Boats sail again.<br>'
             'From Monday &amp; on time.","username":"card_ex"}')
    doc = extract_html(page(f'<div class="tweet" data-attrs="{html.escape(attrs)}"></div>'))
    assert [e.text for e in doc.embeds] == ["@ferryboard Boats sail again.\nFrom Monday & on time."]


def test_instagram_uncaptioned_footer_is_not_post_text() -> None:
    doc = extract_html(page(
        '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/'
        'ByxilPNJK3M/" data-instgrm-version="12"><div><a href="https://www.instagram.com/p/ByxilPNJK3M/">'
        'View this post on Instagram</a><p><a href="https://www.instagram.com/p/ByxilPNJK3M/">'
        'A post shared by Some Band (@someband_ex)</a> on <time datetime="2019-06-14T18:05:39+00:00">'
        'Jun 14, 2019</time></p></div></blockquote>'))
    (embed,) = doc.embeds
    assert (embed.key, embed.author_handle, embed.author_name, embed.text) == (
        "instagram:ByxilPNJK3M", "someband_ex", "Some Band", "")
    assert embed.date_text == "2019-06-14T18:05:39+00:00"


def test_same_post_embedded_twice_counts_twice() -> None:
    bq = ('<blockquote class="twitter-tweet"><p>again</p>&mdash; A (@a_ex) '
          '<a href="https://twitter.com/a_ex/status/1740000000000000026">Dec 27, 2023</a></blockquote>')
    doc = extract_html(page(bq + "<p>Between the two copies there is prose.</p>" + bq))
    assert [e.key for e in doc.embeds] == ["x:1740000000000000026"] * 2


def test_noscript_copy_of_a_lazy_embed_counts_once_and_noscript_only_counts() -> None:
    doc = extract_html(page(
        '<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/AAAAAAAAAAA"></div>'
        '<noscript><iframe src="https://www.youtube.com/embed/AAAAAAAAAAA"></iframe></noscript>'
        '<noscript><iframe src="https://www.youtube.com/embed/BBBBBBBBBBB"></iframe></noscript>'))
    assert [e.key for e in doc.embeds] == ["youtube:AAAAAAAAAAA", "youtube:BBBBBBBBBBB"]


def test_youtube_playlist_embed_is_not_a_video() -> None:
    doc = extract_html(page('<iframe src="https://www.youtube.com/embed/videoseries?list=PLfake"></iframe>'))
    assert doc.embeds == ()


def test_find_embeds_does_not_change_the_tree() -> None:
    html = (DATA / "cms.html").read_text("utf-8")
    tree = lxml.html.document_fromstring(html)
    before = lxml.html.tostring(tree)
    find_embeds(tree)
    assert lxml.html.tostring(tree) == before


@pytest.mark.parametrize(("markup", "chrome"), [
    ('<aside><a id="t" href="#">x</a></aside>', True),
    ('<div class="site-sidebar"><a id="t" href="#">x</a></div>', True),
    ('<div class="share-tools"><a id="t" href="#">x</a></div>', True),
    ('<div class="l-sidebar-fixed"><div class="c-entry-content"><a id="t" href="#">x</a></div></div>', False),
    ('<article class="newsletter-post"><a id="t" href="#">x</a></article>', False),
    ('<header class="article-header"><figure><a id="t" href="#">x</a></figure></header>', False),
])
def test_chrome(markup: str, chrome: bool) -> None:
    tree = lxml.html.document_fromstring(f"<html><body class='one-sidebar'>{markup}</body></html>")
    assert in_chrome(tree.get_element_by_id("t")) is chrome


def test_post_links_function_filters_profiles_and_intents() -> None:
    links = [
        Link("https://twitter.com/a_ex", "https://twitter.com/a_ex", "a", 0, 1),
        Link("https://twitter.com/intent/tweet?url=x", "https://twitter.com/intent/tweet?url=x", "b", 2, 3),
        Link("https://x.com/a_ex/status/1740000000000000027?s=20", "https://x.com/a_ex/status/1740000000000000027", "c", 4, 5),
        Link("https://x.com/a_ex/status/1740000000000000027?s=20", "https://x.com/a_ex/status/1740000000000000027", "c", 6, 7),
    ]
    assert [(p.key, p.start) for p in post_links(links)] == [("x:1740000000000000027", 4)]


def test_post_link_offsets_point_at_the_anchor_in_body_text() -> None:
    doc = extract_html(page('<p>As the mayor <a href="https://www.instagram.com/p/B3VkzglJ4ae/?utm_source=ig_embed">'
                            'posted on Instagram</a>, the fair opens Friday.</p>'))
    (link,) = doc.post_links
    assert link.url == "https://www.instagram.com/p/B3VkzglJ4ae/"
    assert link.href == "https://www.instagram.com/p/B3VkzglJ4ae/?utm_source=ig_embed"
    assert link.start is not None and doc.text[link.start:link.end] == "posted on Instagram"


# -- posts pasted into a page as text ------------------------------------------------------------

@pytest.mark.parametrize("pasted", [
    "<p>Boats sail again from Monday at six. — Harbour Ferry (@HarbourFerryEx) March 3, 2024</p>",
    "<p>Boats sail again from Monday at six.</p><p>— Harbour Ferry (@HarbourFerryEx) March 3, 2024</p>",
    # a blockquote whose class the page lost: its paragraphs are the post, nothing before them
    "<p>The operator wrote:</p><blockquote><p>Boats sail again from Monday at six.</p>"
    "<p>— Harbour Ferry (@HarbourFerryEx) March 3, 2024</p></blockquote>",
])
def test_a_post_pasted_into_a_page_as_text_is_an_embed(pasted: str) -> None:
    doc = extract_html(page(pasted))
    [(platform, markup, handle, text, date)] = [
        (e.platform, e.markup, e.author_handle, e.text, e.date_text) for e in doc.embeds]
    assert (platform, markup, handle, date) == ("x", "flattened-text", "HarbourFerryEx", "March 3, 2024")
    assert text == "Boats sail again from Monday at six."
    sentences = [s.text for s in doc.sentences]
    assert not any("Harbour Ferry" in s or "Boats sail" in s for s in sentences)
    (embed,) = doc.embeds
    assert embed.position is not None and doc.text[:embed.position].rstrip().endswith(
        ("The operator wrote:", "later services on weekends."))


@pytest.mark.parametrize(("linked", "key"), [
    ("https://twitter.com/HarbourFerryEx/status/1764000000000000021", "x:1764000000000000021"),
    # a link to another author's post is not this post's permalink
    ("https://twitter.com/someone_else/status/1764000000000000022", None),
])
def test_a_pasted_post_takes_the_permalink_its_date_links_to(linked: str, key: str | None) -> None:
    doc = extract_html(page("<p>Boats sail again from Monday at six.<br>— Harbour Ferry (@HarbourFerryEx) "
                            f'<a href="{linked}">March 3, 2024</a></p>'))
    (embed,) = doc.embeds
    assert embed.markup == "flattened-text"
    if key:
        assert (embed.key, embed.provisional) == (key, False)
    else:
        assert embed.provisional and embed.key.startswith("x:@harbourferryex/")


def test_a_pasted_post_s_own_date_link_is_not_a_post_link_but_the_prose_s_link_is() -> None:
    permalink = "https://twitter.com/HarbourFerryEx/status/1764000000000000021"
    pasted = (f'<p>Boats sail again from Monday at six.<br>— Harbour Ferry (@HarbourFerryEx) '
              f'<a href="{permalink}">March 3, 2024</a></p>')
    assert extract_html(page(pasted)).post_links == ()
    doc = extract_html(page(f'<p>As <a href="{permalink}">the operator said</a>, boats sail.</p>' + pasted))
    [link] = doc.post_links
    assert link.url == permalink and doc.text[link.start:link.end] == "the operator said"


def test_a_page_s_own_dashes_and_dates_are_not_pasted_posts() -> None:
    doc = extract_html(page("<p>Boats sail again, the operator said — Harbour Ferry, March 3, 2024</p>"
                            "<p>Posted by the news desk — March 3, 2024</p>"
                            "<p>Posted by Admin on Monday, March 4, 2024</p>"))  # a byline, not Facebook
    assert doc.embeds == ()
    assert "Posted by Admin on Monday, March 4, 2024" in [s.text for s in doc.sentences]


# -- flattened text ---------------------------------------------------------------------------

@pytest.mark.parametrize(("paragraph", "platform", "handle", "text"), [
    ("Polls close at 8pm https://t.co/abc — Election Desk (@electiondesk_ex) December 27, 2023",
     "x", "electiondesk_ex", "Polls close at 8pm https://t.co/abc"),
    ("Late bus again [image or embed] — Pat Commuter (@pat.example.social) Apr 21, 2024 at 15:09",
     "bluesky", "pat.example.social", "Late bus again"),
    ("Late bus again — Pat (@pat.example.social) 2024-04-21T06:09:13.063Z",
     "bluesky", "pat.example.social", "Late bus again"),
    ("New mural on the library wall! A post shared by Valley Library (@valleylibrary_ex)",
     "instagram", "valleylibrary_ex", "New mural on the library wall!"),
    ("View this post on Instagram A post shared by Some Band (@someband_ex) on Jun 14, 2019 at 11:05am PDT",
     "instagram", "someband_ex", "View this post on Instagram"),  # no caption survived
    # Instagram's footer as other languages' embed code writes it
    ("Nowy rozkład rejsów! Post udostępniony przez Harbour Ferry (@harbourferry_ex)",
     "instagram", "harbourferry_ex", "Nowy rozkład rejsów!"),
    ("Новое расписание! Публикация от Harbour Ferry (@harbourferry_ex) 20 Авг 2019 в 8:43 PDT",
     "instagram", "harbourferry_ex", "Новое расписание!"),
    ("Příspěvek sdílený uživatelem @harbourferry_ex", "instagram", "harbourferry_ex", ""),
    ("Visa inlägget på Instagram Ett inlägg delat av Harbour Ferry (@harbourferry_ex)",
     "instagram", "harbourferry_ex", "Visa inlägget på Instagram"),  # only the placeholder
    ("Ny køreplan! Et opslag delt af Harbour Ferry (@harbourferry_ex)",
     "instagram", "harbourferry_ex", "Ny køreplan!"),
    ("Új menetrend! Harbour Ferry (@harbourferry_ex) által megosztott bejegyzés, Ápr 29, 2020 at 1:48am PDT",
     "instagram", "harbourferry_ex", "Új menetrend!"),  # the name before the handle
    ("新しい時刻表です！ハーバーフェリー(@harbourferry_ex)がシェアした投稿",
     "instagram", "harbourferry_ex", "新しい時刻表です！"),
    ("Promy znowu kursują. Opublikowany przez Valley Council na 16 marca 2018",
     "facebook", "Valley Council", "Promy znowu kursują."),
    ("A komp újra jár. Közzétette: Valley Council – 2016. június 11.",
     "facebook", "Valley Council", "A komp újra jár."),
    ("Bin collection moves to Thursday. Posted by Valley Council on Monday, December 4, 2023",
     "facebook", "Valley Council", "Bin collection moves to Thursday."),
    ("Power went out across the east side by u/lamplighter_ex in r/exampletown",
     "reddit", "lamplighter_ex", "Power went out across the east side"),
    ("@mayor.example Trying the step everyone is talking about #townhall ♬ original sound - Mayor Example",
     "tiktok", "mayor.example", "Trying the step everyone is talking about #townhall"),
    ("Post by @shelver@books.example.net View on Mastodon",
     "mastodon", "shelver@books.example.net", ""),
    ("Post by @harbour.baker View on Threads", "threads", "harbour.baker", ""),  # Threads' embed, flattened
    ("Yes, the soup is cold. It is gazpacho. Post by @harbour.baker View on Threads",
     "threads", "harbour.baker", "Yes, the soup is cold. It is gazpacho."),
])
def test_parse_flattened(paragraph: str, platform: str, handle: str, text: str) -> None:
    post = parse_flattened(paragraph)
    assert post is not None
    assert (post.platform, post.handle, post.text) == (platform, handle, text)


def test_a_name_first_footer_finds_the_name_after_the_caption_or_the_placeholder() -> None:
    post = parse_flattened("Új menetrend! Harbour Ferry (@harbourferry_ex) által megosztott bejegyzés, Ápr 29, 2020")
    assert post is not None and (post.name, post.text, post.date_text) == ("Harbour Ferry", "Új menetrend!", "Ápr 29, 2020")
    post = parse_flattened("A bejegyzés megtekintése az Instagramon Harbour Ferry (@harbourferry_ex) által megosztott bejegyzés")
    assert post is not None and (post.name, post.truncated) == ("Harbour Ferry", True)  # no caption
    # a caption with no sentence end keeps the words before the handle: no telling the name
    post = parse_flattened("ferry crews and timetables and more words than a name (@harbourferry_ex) által megosztott bejegyzés")
    assert post is not None and post.name is None and post.text.endswith("than a name")


@pytest.mark.parametrize("prose", [
    "The mayor said the fair opens Friday, and posted by noon on Monday.",
    "She was posted by the agency on a contract that ran until 2023 or so, she said at length here.",
    "Readers asked why the bus by the station in town was late again.",
    "@ the meeting, people argued.",
])
def test_prose_is_not_flattened(prose: str) -> None:
    assert parse_flattened(prose) is None


def test_extract_text_turns_other_platforms_scaffolding_into_embeds() -> None:
    text = ("Bus timetable\n\nThe council met on Tuesday to discuss later buses.\n\n"
            "New mural on the library wall!\n\nA post shared by Valley Library (@valleylibrary_ex)\n\n"
            "Post by @shelver@books.example.net View on Mastodon\n\n"
            "Residents welcomed the change, the council said.")
    doc = extract_text(text)
    assert [(e.platform, e.author_handle, e.text, e.markup) for e in doc.embeds] == [
        ("instagram", "valleylibrary_ex", "New mural on the library wall!", "flattened-text"),
        ("mastodon", "shelver@books.example.net", "", "flattened-text"),
    ]
    assert all(e.provisional for e in doc.embeds)
    assert "mural" not in doc.text and "View on Mastodon" not in doc.text
    assert "The council met on Tuesday" in doc.text  # prose before a Mastodon line stays prose


_PROSE = "<p>Some article prose that is long enough to be kept by the extractor as a paragraph.</p>"


@pytest.mark.parametrize(("markup", "expected"), [
    # Iframely, rendered: the post is the url= parameter of the wrapper iframe
    ('<div class="iframely-embed"><iframe src="https://cdn.iframe.ly/api/iframe?'
     'url=https%3A%2F%2Ftwitter.com%2Fjack%2Fstatus%2F20&key=k"></iframe></div>', [("x:20", "iframe")]),
    # Iframely, before its script ran: a link to the post inside the wrapper div
    ('<div class="iframely-embed"><div class="iframely-responsive"><a href="https://x.com/jack/status/20" '
     'data-iframely-url="//cdn.iframe.ly/api/iframe?key=k"></a></div></div>', [("x:20", "iframe")]),
    # a protocol-relative wrapper iframe without the div, around an Instagram post
    ('<iframe src="//cdn.iframe.ly/api/iframe?url=https%3A%2F%2Fwww.instagram.com%2Fp%2FCxYz123AbC%2F"></iframe>',
     [("instagram:CxYz123AbC", "iframe")]),
    # a wrapper around an ordinary article is not a post
    ('<div class="iframely-embed"><a href="https://news.example/story" data-iframely-url="//cdn.iframe.ly/x"></a></div>', []),
    # Embedly's anchor card, on a page that loads the script that renders it
    ('<p><a class="embedly-card" href="https://twitter.com/jack/status/20">Jack on Twitter</a></p>'
     '<script async src="//cdn.embedly.com/widgets/platform.js" charset="UTF-8"></script>',
     [("x:20", "iframe")]),
    # Twitframe's iframe names the post in url=
    ('<iframe src="https://twitframe.com/show?url=https%3A%2F%2Ftwitter.com%2Fjack%2Fstatus%2F20"></iframe>',
     [("x:20", "iframe")]),
])
def test_iframe_wrappers_of_any_platform(markup: str, expected: list[tuple[str, str]]) -> None:
    doc = extract_html(f"<html><body><article>{_PROSE}{markup}{_PROSE}</article></body></html>")
    assert [(e.key, e.markup) for e in doc.embeds] == expected
    assert doc.post_links == ()


def test_an_embedly_class_without_its_script_is_a_link() -> None:
    # no script renders it: the reader sees a link to the post, not the post
    link = '<p>See <a class="embedly-card" href="https://twitter.com/jack/status/20">his post</a>.</p>'
    doc = extract_html(f"<html><body><article>{_PROSE}{link}{_PROSE}</article></body></html>")
    assert doc.embeds == ()
    assert [p.url for p in doc.post_links] == ["https://twitter.com/jack/status/20"]


# -- article or chrome, by structure ------------------------------------------------------------

PROSE = [
    "The harbour board voted on Monday to extend the ferry timetable into the late evening hours.",
    "Commuters from the valley towns had asked for later boats for more than two years running.",
    "The new timetable starts in March and adds four crossings on weekdays and two on Saturdays.",
    "Board members said the extra crossings would be paid for from the regional transport fund.",
]
TWEET = ('<blockquote class="twitter-tweet"><p>Later boats at last.</p>&mdash; Ferry Users (@ferryusers_ex) '
         '<a href="https://twitter.com/ferryusers_ex/status/1740000000000000031">Dec 27, 2023</a></blockquote>')


def widget_page(wrapper_class: str, inside: str, sidebar: str = "") -> str:
    before, after = ("".join(f"<p>{p}</p>" for p in half) for half in (PROSE[:2], PROSE[2:]))
    return (f"<html><head><title>t</title></head><body><main><article>"
            f'<div class="{wrapper_class}">{before}{inside}{after}</div></article>'
            f'<div class="site-sidebar">{sidebar}</div></main></body></html>')


@pytest.mark.parametrize("wrapper", ["elementor-widget-container", "share-widget", "related"])
def test_embed_inside_the_body_region_counts_whatever_its_wrapper_is_called(wrapper: str) -> None:
    doc = extract_html(widget_page(wrapper, TWEET))
    assert [e.key for e in doc.embeds] == ["x:1740000000000000031"]


def test_credit_link_in_a_footer_named_box_inside_the_body_is_a_post_link() -> None:
    credit = ('<figure><img src="a.jpg"><div class="figure-footer"><a href="https://twitter.com/'
              'snapper_ex/status/1740000000000000032">Twitter: @snapper_ex</a></div></figure>')
    doc = extract_html(widget_page("entry", credit))
    assert [p.key for p in doc.post_links] == ["x:1740000000000000032"]


def test_chrome_outside_the_body_region_is_still_decided_by_its_class_words() -> None:
    side = TWEET.replace("1740000000000000031", "1740000000000000033")
    doc = extract_html(widget_page("entry", "", sidebar=side + '<a href="https://twitter.com/'
                                   'side_ex/status/1740000000000000034">x</a>'))
    assert doc.embeds == () and doc.post_links == ()


def test_a_menu_box_inside_the_body_region_is_chrome() -> None:
    menu = ('<nav><a href="https://twitter.com/side_ex/status/1740000000000000035">top post</a></nav>')
    doc = extract_html(widget_page("entry", menu))
    assert doc.post_links == ()


@pytest.mark.parametrize(("card", "key", "text"), [
    ('<blockquote class="story-tweet__card"><a href="https://twitter.com/card_ex">Card Person</a>'
     '<p class="story-tweet__text">Ferries until midnight!</p><time><a href="https://twitter.com/'
     'card_ex/status/1740000000000000036">Fri</a></time>'
     '<a href="https://twitter.com/intent/retweet?tweet_id=1740000000000000036">Retweet</a></blockquote>',
     "x:1740000000000000036", "Ferries until midnight!"),
    ('<blockquote class="js-instagram__box"><a href="https://instagram.com/p/BAbCdEfGhIj/">'
     '<img src="x.gif" alt="Instagram"></a></blockquote>', "instagram:BAbCdEfGhIj", ""),
])
def test_server_rendered_card_named_after_its_platform(card: str, key: str, text: str) -> None:
    doc = extract_html(widget_page("entry", card))
    assert [(e.key, e.markup, e.text) for e in doc.embeds] == [(key, "rendered", text)]
    assert doc.post_links == ()  # the card's own links are embed markup
    assert text == "" or text not in doc.text


def test_a_blockquote_naming_a_platform_around_an_official_embed_leaves_it_to_the_embed() -> None:
    doc = extract_html(widget_page("entry", f'<blockquote class="tweet-wrap">{TWEET}</blockquote>'))
    assert [(e.key, e.markup, e.author_handle) for e in doc.embeds] == [
        ("x:1740000000000000031", "blockquote", "ferryusers_ex")]


# -- markup variants seen on news sites (own words, fake ids) ---------------------------------

def _one_embed(body: str):
    doc = extract_html(page(body))
    assert len(doc.embeds) == 1, doc.embeds
    return doc, doc.embeds[0]


@pytest.mark.parametrize(("markup", "key"), [
    # a page saved from a browser after widgets.js ran
    ('<twitterwidget class="twitter-tweet twitter-tweet-rendered" data-tweet-id="1780000000000000110">'
     '</twitterwidget>', "x:1780000000000000110"),
    # Embetty, a privacy proxy for tweets and videos
    ('<embetty-tweet status="1780000000000000306"></embetty-tweet>', "x:1780000000000000306"),
    ('<embetty-video type="youtube" video-id="Hb4rEsV0ir3"></embetty-video>', "youtube:Hb4rEsV0ir3"),
    # consent managers park the iframe's address until the reader agrees
    ('<iframe data-cookieblock-src="https://www.youtube-nocookie.com/embed/Hb4rEsV0ir4" '
     'data-cookieconsent="marketing"></iframe>', "youtube:Hb4rEsV0ir4"),
    ('<iframe data-src-cmplz="https://www.youtube.com/embed/Hb4rEsV0ir5" src="about:blank"></iframe>',
     "youtube:Hb4rEsV0ir5"),
    ('<iframe src="about:blank" data-litespeed-src="https://www.youtube.com/embed/Hb4rEsV0i18"></iframe>',
     "youtube:Hb4rEsV0i18"),
    ('<iframe class="cmplazyload" data-cmp-vendor="s30" src="about:blank" '
     'data-cmp-src="https://www.youtube.com/embed/Hb4rEsV0i20"></iframe>', "youtube:Hb4rEsV0i20"),
    # WP YouTube Lyte's facade, before its script swaps in the player
    ('<div class="lyte-wrapper" style="width:640px"><div class="lyMe hidef" id="WYL_Hb4rEsV0i19">'
     '<div id="lyte_Hb4rEsV0i19" class="pL"><div class="tC"><div class="tT">Harbour parade</div></div>'
     '<div class="play"></div></div></div></div>', "youtube:Hb4rEsV0i19"),
    # the SDK's older video address
    ('<div class="fb-video" data-href="https://www.facebook.com/video.php?v=10153987654321098"></div>',
     "facebook:10153987654321098"),
])
def test_rendered_consent_and_legacy_markup_is_an_embed(markup: str, key: str) -> None:
    _, embed = _one_embed(markup)
    assert embed.key == key


def test_an_embetty_video_of_another_platform_is_no_youtube_video() -> None:
    doc = extract_html(page('<embetty-video type="vimeo" video-id="91085172"></embetty-video>'))
    assert doc.embeds == ()


_DIV_TWEET = ('<div class="twitter-tweet"><p lang="en" dir="ltr">Twenty boats and one very loud band.</p>'
              '&mdash; Harbour Ferry (@HarbourFerryHB) <a href="https://twitter.com/HarbourFerryHB/status/'
              '1790000000000000002">May 5, 2024</a></div>')


def test_the_oembed_code_in_a_div_is_read_as_the_blockquote() -> None:
    doc, embed = _one_embed(_DIV_TWEET)
    assert (embed.key, embed.author_handle, embed.author_name, embed.date_text) == (
        "x:1790000000000000002", "HarbourFerryHB", "Harbour Ferry", "May 5, 2024")
    assert embed.text == "Twenty boats and one very loud band."
    assert not any("Harbour Ferry" in s.text for s in doc.sentences)


@pytest.mark.parametrize("markup", [
    # a timeline widget's tweet box: no permalink, no author line
    '<div class="twitter-tweet"><p>Twenty boats and one very loud band.</p></div>',
    # a link to a status with no author line is a link, not the embed's code
    '<div class="twitter-tweet"><p>See <a href="https://twitter.com/HarbourFerryHB/status/1790000000000000002">'
    'this</a>.</p></div>',
])
def test_a_div_without_the_oembed_structure_is_no_tweet_embed(markup: str) -> None:
    doc = extract_html(page(markup))
    assert [e for e in doc.embeds if e.markup == "blockquote"] == []


def test_a_tweet_blockquote_gives_its_date_and_a_linked_author_name() -> None:
    _, embed = _one_embed(
        '<blockquote class="twitter-tweet"><p>Fish rescue at the shallow end today.</p>&mdash; '
        '<a href="https://twitter.com/lena_fisch">Lena Fisch (@lena_fisch)</a> '
        '<a href="https://twitter.com/lena_fisch/status/1780000000000000120">April 16, 2024</a></blockquote>')
    assert (embed.author_handle, embed.author_name, embed.date_text) == ("lena_fisch", "Lena Fisch", "April 16, 2024")


def test_a_tweet_blockquote_without_paragraphs_keeps_its_text_apart_from_the_author_line() -> None:
    doc, embed = _one_embed(
        '<blockquote class="twitter-tweet">Dry as a bone out at the north-shore path today.<br>'
        'Bring water if you visit. &mdash; Nadia Olsen (@nadia_olsen_x) '
        '<a href="https://twitter.com/nadia_olsen_x/status/1780000000000000103">April 16, 2024</a></blockquote>')
    assert embed.text == "Dry as a bone out at the north-shore path today.\nBring water if you visit."
    assert (embed.author_handle, embed.author_name) == ("nadia_olsen_x", "Nadia Olsen")
    assert "Bring water" not in doc.text


def test_a_shortened_display_url_is_not_a_truncated_post() -> None:
    _, shown = _one_embed(
        '<blockquote class="twitter-tweet"><p>Exactly this. <a href="https://t.co/AbcDef1234">'
        'twitter.com/holmwater/stat…</a></p>&mdash; Ravi Menon (@ravimenon_hb) '
        '<a href="https://twitter.com/ravimenon_hb/status/1780000000000000116">April 17, 2024</a></blockquote>')
    _, cut = _one_embed(
        '<blockquote class="twitter-tweet"><p>The board said the level would fall further and…</p>&mdash; '
        'Ravi Menon (@ravimenon_hb) <a href="https://twitter.com/ravimenon_hb/status/1780000000000000117">'
        'April 17, 2024</a></blockquote>')
    assert (shown.truncated, cut.truncated) == (False, True)


def test_an_amp_tweet_reads_the_author_from_its_placeholder() -> None:
    _, embed = _one_embed(
        '<amp-twitter data-tweetid="1780000000000000106" width="375" height="472">'
        '<blockquote placeholder class="twitter-tweet"><p>Not one drop of rain in 40 days.</p>&mdash; '
        'Weather Watcher (@wx_holmbrook) <a href="https://twitter.com/wx_holmbrook/status/1780000000000000106">'
        'April 16, 2024</a></blockquote></amp-twitter>')
    assert (embed.markup, embed.author_handle, embed.author_name, embed.text) == (
        "amp", "wx_holmbrook", "Weather Watcher", "Not one drop of rain in 40 days.")


@pytest.mark.parametrize(("footer", "name"), [
    ("A photo posted by Jonas Feld (@jonasfeld) on", "Jonas Feld"),
    ("A video posted by Holm Drone Club (@holmdroneclub) on", "Holm Drone Club"),
    ("Post udostępniony przez Marit Holm (@marit.holm.hb)", "Marit Holm"),
    ("Ein von Jonas Feld (@jonasfeld) gepostetes Foto am", "Jonas Feld"),
])
def test_instagram_footers_old_and_localised_give_the_name_alone(footer: str, name: str) -> None:
    _, embed = _one_embed(
        '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/BHxYzAbCdEf/">'
        f'<div><p><a href="https://www.instagram.com/p/BHxYzAbCdEf/">Cracked mud</a></p>'
        f'<p>{footer} <time datetime="2016-07-10T18:47:00+00:00">Jul 10, 2016</time></p></div></blockquote>')
    assert embed.author_name == name


def test_a_facebook_fallback_gives_the_post_s_date_and_an_older_div_gives_the_page_name() -> None:
    _, dated = _one_embed(
        '<div class="fb-post" data-href="https://www.facebook.com/HolmFire/posts/1015800000000002">'
        '<blockquote cite="https://www.facebook.com/HolmFire/posts/1015800000000002" class="fb-xfbml-parse-ignore">'
        '<p>No open fires in the woods, please.</p>Publicada por <a href="https://www.facebook.com/HolmFire">'
        'Bomberos Holm</a> en <a href="https://www.facebook.com/HolmFire/posts/1015800000000002">'
        'Martes, 16 de abril de 2024</a></blockquote></div>')
    assert (dated.author_name, dated.date_text) == ("Bomberos Holm", "Martes, 16 de abril de 2024")
    _, old = _one_embed(
        '<div class="fb-post" data-href="https://www.facebook.com/HolmFire/posts/1015800000000003">'
        '<div class="fb-xfbml-parse-ignore"><a href="https://www.facebook.com/HolmFire/posts/1015800000000003">'
        'Post</a> by <a href="https://www.facebook.com/HolmFire">Holm Fire Service</a>.</div></div>')
    assert (old.author_name, old.date_text) == ("Holm Fire Service", None)


def test_a_bluesky_oembed_snippet_links_name_and_handle_together() -> None:
    _, embed = _one_embed(
        '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:holmfakebbbb2222/app.bsky.feed.post/'
        '3kqmooj3ems2y"><p>Water board meeting moved to the big hall.</p>&mdash; '
        '<a href="https://bsky.app/profile/did:plc:holmfakebbbb2222">Holm Civic (@holmcivic.example.org)</a> '
        '<a href="https://bsky.app/profile/did:plc:holmfakebbbb2222/post/3kqmooj3ems2y">2024-04-16T06:09Z</a>'
        '</blockquote>')
    assert (embed.author_handle, embed.author_name) == ("holmcivic.example.org", "Holm Civic")
