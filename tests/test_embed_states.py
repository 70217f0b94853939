"""Every state an embed can be in (issue 12, point 2), and what the archive keeps of it.

The pages here and under tests/data/embeds/ (rendered.html, scripts.html, wrapped.html,
amp.html) are SYNTHETIC, written for these tests from reference/platforms.md; fake ids.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pytest

from postlink.extract.document import extract_html
from postlink.pipeline import ArticleInput, add_article
from postlink.report.audit import build_audit
from postlink.store import Store

DATA = Path(__file__).parent / "data" / "embeds"
LEAD = ("<p>The council met on Tuesday evening to discuss the new bus timetable for the valley "
        "towns. Residents spoke in favour of later services on weekends.</p>")
TAIL = ("<p>Officials said the ferry would resume on Friday once the harbour crane had been "
        "repaired and inspected by the port engineers.</p>")


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><article>{LEAD}{body}{TAIL}</article></body></html>"


# -- a rendered widget beside its hidden original ------------------------------------------

def test_hidden_original_gives_the_rendered_embed_its_text_and_never_becomes_prose() -> None:
    doc = extract_html((DATA / "rendered.html").read_bytes())
    texts = {e.key: e.text for e in doc.embeds}
    assert texts["x:1740000000000000201"].startswith("The coast road is open again.")
    assert texts["bsky:did:plc:fakefake4444lmno/3kstormlib22a"].startswith("The reading room stays dry")
    assert texts["instagram:CzStOrMcAfE"].startswith("Our terrace this morning.")
    for words in ("coast road", "reading room", "terrace this morning"):
        assert words not in doc.text
        assert not any(words in s.text for s in doc.sentences)


def test_widget_and_original_with_prose_between_them_are_two_showings() -> None:
    widget = '<iframe class="twitter-tweet twitter-tweet-rendered" data-tweet-id="1740000000000000202"></iframe>'
    original = ('<blockquote class="twitter-tweet"><p>Fog at the pass.</p>&mdash; A (@a_ex) '
                '<a href="https://twitter.com/a_ex/status/1740000000000000202">May 2, 2024</a></blockquote>')
    doc = extract_html(page(widget + "<p>Drivers were asked to wait for the fog to lift before the climb.</p>"
                            + original))
    assert [e.markup for e in doc.embeds] == ["rendered", "blockquote"]


def test_two_copies_in_the_same_markup_side_by_side_stay_two() -> None:
    bq = ('<blockquote class="twitter-tweet"><p>Twice.</p>&mdash; A (@a_ex) '
          '<a href="https://twitter.com/a_ex/status/1740000000000000203">May 2, 2024</a></blockquote>')
    doc = extract_html(page(bq + bq))
    assert [e.key for e in doc.embeds] == ["x:1740000000000000203"] * 2


# -- scripts that inject an embed at a placeholder ---------------------------------------------

def test_script_injected_embeds_sit_at_their_placeholder() -> None:
    doc = extract_html((DATA / "scripts.html").read_bytes())
    at = {e.key: e.position for e in doc.embeds}
    youtube, tweet = at["youtube:PaRaDeVid01"], at["x:1740000000000000301"]
    assert youtube is not None and tweet is not None
    # The placeholder div, not the script after the next paragraph, is where the film shows.
    assert doc.text[:youtube].rstrip().endswith("opening parade.")
    assert doc.text[:tweet].rstrip().endswith("without serious incident.")


@pytest.mark.parametrize("decoy", [
    # no placeholder: the URL is an analytics target
    '<p>Prose before the script keeps the slot from being empty.</p>'
    '<script>track("https://twitter.com/a_ex/status/1740000000000000304")</script>',
    # data, not code
    '<div class="slot"></div><script type="application/json">{"u": "https://youtu.be/AbCdEfGhIj0"}</script>',
    # a bundle-sized script naming a post
    '<div class="slot"></div><script>var x = "' + "a" * 5000
    + '"; load("https://twitter.com/a_ex/status/1740000000000000305")</script>',
    # two posts: a gallery or a state blob, not one embed
    '<div class="slot"></div><script>load(["https://youtu.be/AbCdEfGhIj0", "https://youtu.be/ZyXwVuTsRq1"])</script>',
])
def test_scripts_that_do_not_inject_one_embed_are_not_embeds(decoy: str) -> None:
    assert extract_html(page(decoy)).embeds == ()


def test_placeholder_named_by_id_anywhere_in_the_article() -> None:
    doc = extract_html(page(
        '<span id="clip-9"></span><p>The mayor spoke for ten minutes about the late buses and fares.</p>'
        '<script>document.querySelector("#clip-9").outerHTML = "<iframe src=\\"https:\\/\\/www.youtube.com\\/embed\\/ClIpNiNe009\\"></iframe>"</script>'))
    (embed,) = doc.embeds
    assert embed.key == "youtube:ClIpNiNe009"
    assert embed.position is not None and doc.text[embed.position:].lstrip().startswith("The mayor spoke")


# -- post links on every alias host -------------------------------------------------------------

@pytest.mark.parametrize(("href", "key"), [
    ("https://mobile.twitter.com/a_ex/status/1740000000000000401", "x:1740000000000000401"),
    ("https://x.com/a_ex/status/1740000000000000401?s=20&t=abc", "x:1740000000000000401"),
    ("https://mobile.x.com/a_ex/status/1740000000000000401/photo/1", "x:1740000000000000401"),
    ("https://twitter.com/i/web/status/1740000000000000401", "x:1740000000000000401"),
    ("https://fxtwitter.com/a_ex/status/1740000000000000401", "x:1740000000000000401"),
    ("https://m.facebook.com/examplepage/posts/1234567890123456", "facebook:1234567890123456"),
    ("https://m.facebook.com/story.php?story_fbid=1234567890123456&id=42", "facebook:1234567890123456"),
    ("https://web.facebook.com/examplepage/posts/1234567890123456", "facebook:1234567890123456"),
    ("https://m.youtube.com/watch?v=AbCdEfGhIj0&feature=share", "youtube:AbCdEfGhIj0"),
    ("https://youtu.be/AbCdEfGhIj0?si=tracking", "youtube:AbCdEfGhIj0"),
    ("https://www.youtube.com/shorts/AbCdEfGhIj0", "youtube:AbCdEfGhIj0"),
    ("https://old.reddit.com/r/valleytown_ex/comments/1abcde/slug/", "reddit:1abcde"),
    ("https://np.reddit.com/r/valleytown_ex/comments/1abcde/slug/", "reddit:1abcde"),
    ("https://redd.it/1abcde", "reddit:1abcde"),
    ("https://m.tiktok.com/@mayor.example/video/7295627671319383328", "tiktok:7295627671319383328"),
    ("https://www.instagram.com/reels/CxYzAbCdEfG/", "instagram:CxYzAbCdEfG"),
    ("https://instagr.am/p/CxYzAbCdEfG/", "instagram:CxYzAbCdEfG"),
    ("https://www.threads.com/@chef.example/post/DG5ETJ7xAe7", "threads:DG5ETJ7xAe7"),
    ("https://telegram.me/ferrynews_example/1234", "telegram:ferrynews_example/1234"),
    ("https://truthsocial.com/@examplepolitician/posts/114491534347862682", "truthsocial:114491534347862682"),
])
def test_post_link_on_an_alias_host_names_the_canonical_post(href: str, key: str) -> None:
    doc = extract_html(page(f'<p>The first report was <a href="{href}">posted here</a> on Monday morning.</p>'))
    assert [p.key for p in doc.post_links] == [key]
    assert [link.start is not None for link in doc.post_links] == [True]


# -- through the archive: add + audit -------------------------------------------------------------

def _audit(tmp_path: Path, html: str) -> dict:
    store = Store(tmp_path / "archive.db")
    add_article(store, ArticleInput("https://news.example/a", html.encode(), "html"))
    audit = build_audit(store, "https://news.example/a")
    store.close()
    return audit


def test_a_post_embedded_and_linked_is_one_post_and_its_link_sentence_cites_it(tmp_path: Path) -> None:
    audit = _audit(tmp_path, page(
        '<p>The ferry operator <a href="https://x.com/ferryco_ex/status/1740000000000000501">announced the '
        'restart</a> in a short post.</p>'
        '<blockquote class="twitter-tweet"><p>Sailings resume on Friday at 6am.</p>&mdash; Ferry Co '
        '(@ferryco_ex) <a href="https://twitter.com/ferryco_ex/status/1740000000000000501">May 3, 2024</a>'
        '</blockquote>'))
    (post,) = audit["posts"]
    assert post["key"] == "x:1740000000000000501" and post["embedded"] is True
    links = [c for c in audit["citations"] if c["kind"] == "link"]
    assert [(c["post_key"], "announced the restart" in c["sentence"]) for c in links] == [
        ("x:1740000000000000501", True)]


def test_a_post_link_the_main_text_leaves_out_is_still_the_articles(tmp_path: Path) -> None:
    audit = _audit(tmp_path, page(
        '<figure><img src="/harbour.jpg" alt=""><figcaption>Photo: '
        '<a href="https://twitter.com/harbourcam_ex/status/1740000000000000502/photo/1">Harbour Cam</a>'
        '</figcaption></figure>'))
    assert [(p["key"], p["embedded"]) for p in audit["posts"]] == [("x:1740000000000000502", False)]


# -- why each post was kept: the audit's "found" ------------------------------------------------

def test_found_says_embedded_and_linked_markup_region_and_position(tmp_path: Path) -> None:
    audit = _audit(tmp_path, page(
        '<p>The ferry operator <a href="https://x.com/ferryco_ex/status/1740000000000000601">announced the '
        'restart</a> in a short post, and the port <a href="https://twitter.com/port_ex/status/1740000000000000602">'
        'agreed</a> within the hour.</p>'
        '<blockquote class="twitter-tweet"><p>Sailings resume on Friday at 6am.</p>&mdash; Ferry Co '
        '(@ferryco_ex) <a href="https://twitter.com/ferryco_ex/status/1740000000000000601">May 3, 2024</a>'
        '</blockquote>'))
    found = {p["key"]: p["found"] for p in audit["posts"]}
    both, linked = found["x:1740000000000000601"], found["x:1740000000000000602"]
    assert (both["embedded"], both["linked"], both["markup"], both["in_body_region"]) == (True, True, "blockquote", True)
    assert (linked["embedded"], linked["linked"], linked["markup"], linked["in_body_region"]) == (False, True, None, True)
    sentence = next(c["sentence"] for c in audit["citations"] if c["post_key"] == "x:1740000000000000602")
    assert "agreed" in sentence and linked["position"] is not None
    assert both["position"] is not None and both["position"] > linked["position"]


def test_found_tells_an_embed_kept_outside_the_body_region(tmp_path: Path) -> None:
    # The embed sits after the article in a box no chrome word names: kept, but not in the region.
    html = ("<html><head><title>t</title></head><body><article>" + LEAD + TAIL + "</article>"
            '<div class="extra"><iframe src="https://www.youtube.com/embed/OuTsIdE0001"></iframe></div>'
            "</body></html>")
    (post,) = _audit(tmp_path, html)["posts"]
    assert post["found"]["embedded"] is True and post["found"]["in_body_region"] is False


def test_found_of_a_post_link_the_main_text_left_out(tmp_path: Path) -> None:
    audit = _audit(tmp_path, page(
        '<figure><img src="/harbour.jpg" alt=""><figcaption>Photo: '
        '<a href="https://twitter.com/harbourcam_ex/status/1740000000000000603/photo/1">Harbour Cam</a>'
        '</figcaption></figure>'))
    (post,) = audit["posts"]
    assert post["found"] == {"embedded": False, "linked": True, "markup": None,
                             "in_body_region": True, "position": None}


# -- an aside in the article column -------------------------------------------------------------

_ASIDE_TWEET = ('<blockquote class="twitter-tweet"><p>Crane repaired, ferry back on Friday.</p>&mdash; '
                'Valley Ferry (@valleyferry_ex) <a href="https://twitter.com/valleyferry_ex/status/'
                '1740000000000000301">May 2, 2024</a></blockquote>')


@pytest.mark.parametrize(("aside", "kept"), [
    (f'<aside class="embed embed-tweet">{_ASIDE_TWEET}</aside>', True),  # the embed's frame
    (f'<aside class="embed">{_ASIDE_TWEET}<p>Pictured: the harbour crane.</p></aside>', True),  # and its caption
    # a box of its own in the column: headlines and the post
    ('<aside><h3>More from the valley</h3><ul><li>School run changes from September, and the '
     'new bus routes</li><li>The harbour crane: a history of breakdowns since the nineties</li></ul>'
     f'{_ASIDE_TWEET}</aside>', False),
])
def test_an_aside_that_only_frames_an_embed_is_the_article_s(aside: str, kept: bool) -> None:
    doc = extract_html(page(aside + TAIL))
    assert [e.key for e in doc.embeds] == (["x:1740000000000000301"] if kept else [])


# -- embeds a consent plugin parked in encoded form ---------------------------------------------

_PARKED_TWEET = ('<blockquote class="twitter-tweet"><p lang="en">Night buses run again from Friday.</p>'
                 '&mdash; Valley Buses (@valleybus_ex) <a href="https://twitter.com/valleybus_ex/status/'
                 '1740000000000000401">May 3, 2024</a></blockquote>')
_PARKED_VIDEO = '<iframe src="https://www.youtube.com/embed/Vb4rEsV0ir1" width="560" height="315"></iframe>'
_BOX = '<p>Click here to load content from X.</p><a href="#" role="button">Load post</a>'


def _b64(markup: str) -> str:
    return base64.b64encode(markup.encode()).decode()


def _embed_privacy(markup: str, *, escaped: bool = True) -> str:
    """The plugin's PHP: addslashes(wp_json_encode(['embed' => htmlentities($output)]))."""
    value = json.dumps({"embed": html.escape(markup) if escaped else markup}).replace("/", "\\/")
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
    return ('<div class="embed-privacy-container is-disabled embed-twitter" data-embed-provider="twitter">'
            f'<div class="embed-privacy-overlay">{_BOX}</div><div class="embed-privacy-content">'
            f"<script>var _oembed_0c1d2e3f4a5b6c7d = '{value}';</script></div></div>")


@pytest.mark.parametrize(("parked", "key"), [
    (f'<div class="brlbs-cmpnt-container brlbs-cmpnt-content-blocker" data-borlabs-cookie-content-blocker-id="x" '
     f'data-borlabs-cookie-content="{_b64(_PARKED_TWEET)}">{_BOX}</div>', "x:1740000000000000401"),  # Borlabs 3
    ('<div class="BorlabsCookie _brlbs-cb-youtube"><div class="_brlbs-content-blocker">'
     f'<div class="_brlbs-embed">{_BOX}</div></div><div class="borlabs-hide" data-borlabs-cookie-type="content-blocker" '
     f'data-borlabs-cookie-id="youtube"><script type="text/template">{_b64(_PARKED_VIDEO)}</script></div></div>',
     "youtube:Vb4rEsV0ir1"),  # Borlabs 2
    (_embed_privacy(_PARKED_TWEET), "x:1740000000000000401"),
    (_embed_privacy(_PARKED_TWEET, escaped=False), "x:1740000000000000401"),  # versions before the escaping
])
def test_an_embed_a_consent_plugin_stored_encoded_is_read_where_its_box_was(parked: str, key: str) -> None:
    doc = extract_html(page(parked + TAIL))
    assert [e.key for e in doc.embeds] == [key]
    assert doc.embeds[0].position is not None
    assert "Click here" not in doc.text and "Load post" not in doc.text


@pytest.mark.parametrize("broken", [
    '<div data-borlabs-cookie-content="not base64 at all!">Load</div>',
    '<div data-borlabs-cookie-content="' + _b64("just words, no markup") + '">Load</div>',
    '<div class="embed-privacy-content"><script>var _oembed_ab = \'{"embed": \';</script></div>',
])
def test_a_parked_store_that_does_not_decode_is_left_alone(broken: str) -> None:
    doc = extract_html(page(broken))
    assert doc.embeds == ()
    assert doc.text.startswith("The council met")


# -- CMS shapes: editors and proxies that keep only the post's address ----------------------------

_TWEET_URL = "https://twitter.com/valleybus_ex/status/1740000000000000501"


@pytest.mark.parametrize(("markup", "key"), [
    # Drupal's media oEmbed iframe proxies the post through its own address
    (f'<iframe class="media-oembed-content" src="/media/oembed?url={_TWEET_URL.replace(":", "%3A")}'
     '&amp;max_width=0&amp;hash=ab12"></iframe>', "x:1740000000000000501"),
    # CKEditor 5's media embed, saved without its preview, in either output form
    (f'<figure class="media"><oembed url="{_TWEET_URL}"></oembed></figure>', "x:1740000000000000501"),
    ('<figure class="media"><div data-oembed-url="https://www.instagram.com/p/CvAlLeYbUs1/"></div></figure>',
     "instagram:CvAlLeYbUs1"),
    # Drupal's URL Embed filter, before (or without) its rendering
    (f'<drupal-url data-embed-url="{_TWEET_URL}"></drupal-url>', "x:1740000000000000501"),
    ('<div class="social-embed" data-embed-url="https://www.instagram.com/p/CvAlLeYbUs1/"></div>',
     "instagram:CvAlLeYbUs1"),
    # a blockquote naming the post by id alone, as some CMSs write it before widgets.js runs
    ('<blockquote data-tweet-id="1740000000000000501"></blockquote>', "x:1740000000000000501"),
    # a WordPress shortcode the page was published without running
    (f"<p>[embed]{_TWEET_URL}[/embed]</p>", "x:1740000000000000501"),
    (f"<p>[tweet {_TWEET_URL}]</p>", "x:1740000000000000501"),
])
def test_an_embed_a_cms_saved_as_the_post_s_address_only(markup: str, key: str) -> None:
    doc = extract_html(page(markup + TAIL))
    assert [e.key for e in doc.embeds] == [key]
    assert not any("[embed]" in s.text or "[tweet" in s.text for s in doc.sentences)


def test_an_embed_kept_in_a_block_s_json_or_an_editor_component_s_attributes() -> None:
    oembed = ('<blockquote class="twitter-tweet"><p>Night buses from Friday.</p>&mdash; Valley Buses '
              f'(@valleybus_ex) <a href="{_TWEET_URL}">May 3, 2024</a></blockquote>')
    block = html.escape(json.dumps({"url": _TWEET_URL, "html": oembed}))
    squarespace = (f'<div class="sqs-block embed-block" data-block-json="{block}">'
                   '<div class="sqs-block-content"><div class="embed-block-wrapper"></div></div></div>')
    attrs = html.escape(json.dumps({"url": _TWEET_URL, "full_text": "Night buses from Friday.",
                                    "username": "valleybus_ex", "name": "Valley Buses"}))
    substack = f'<div class="twitter-embed" data-attrs="{attrs}" data-component-name="Twitter2ToDOM"></div>'
    for markup in (squarespace, substack):
        (embed,) = extract_html(page(markup + TAIL)).embeds
        assert (embed.key, embed.author_handle, embed.text) == (
            "x:1740000000000000501", "valleybus_ex", "Night buses from Friday.")


def test_a_reddit_comment_embed_has_no_text_of_its_own_and_names_its_author() -> None:
    # the embed code glues "by" to the author's link and titles a comment "Comment"
    bq = ('<blockquote class="reddit-embed-bq"><a href="https://www.reddit.com/r/valley_ex/comments/1lk0b02/'
          'comment/mz0tram/">Comment</a><br> by<a href="https://www.reddit.com/user/uphill_rider/">u/uphill_rider</a>'
          ' from discussion<a href="https://www.reddit.com/r/valley_ex/comments/1lk0b02/night_buses/"></a><br> in'
          '<a href="https://www.reddit.com/r/valley_ex/">valley_ex</a></blockquote>')
    (embed,) = extract_html(page(bq + TAIL)).embeds
    assert (embed.key, embed.author_handle, embed.text) == ("reddit:1lk0b02/mz0tram", "uphill_rider", "")


def test_an_embedly_iframe_passing_the_player_and_the_post_names_the_author() -> None:
    iframe = ('<iframe class="embedly-embed" src="https://cdn.embedly.com/widgets/media.html?src=https%3A%2F%2F'
              'www.tiktok.com%2Fembed%2Fv2%2F7357000000000000043&amp;url=https%3A%2F%2Fwww.tiktok.com%2F%40deckhand_jo'
              '%2Fvideo%2F7357000000000000043&amp;type=text%2Fhtml"></iframe>')
    (embed,) = extract_html(page(iframe + TAIL)).embeds
    assert (embed.key, embed.author_handle) == ("tiktok:7357000000000000043", "deckhand_jo")


@pytest.mark.parametrize(("title", "text"), [
    ('Valley Buses on Instagram: "Night buses from Friday. See you on board …', "Night buses from Friday. See you on board …"),
    ("A post shared by @valleybus_ex", ""),  # the page title's fallback: no caption
    ("Night buses from Friday.", "Night buses from Friday."),  # the earliest cards: the caption
])
def test_substack_s_instagram_card(title: str, text: str) -> None:
    attrs = html.escape(json.dumps({"instagram_id": "CvAlLeYbUs1", "title": title, "author_name": "@valleybus_ex"}))
    for card in (f'<div class="instagram-embed-wrap" data-attrs="{attrs}" data-component-name="InstagramToDOM"></div>',
                 f'<div data-attrs="{attrs}" data-component-name="InstagramToDOM"></div>'):  # class stripped
        (embed,) = extract_html(page(card + TAIL)).embeds
        assert (embed.key, embed.author_handle, embed.text) == ("instagram:CvAlLeYbUs1", "valleybus_ex", text)


def test_substack_s_rendered_tweet_link_is_an_embed_whose_text_is_no_prose() -> None:
    # the web page renders the card as a link to the post around name, handle, text and counts
    card = (f'<a href="{_TWEET_URL}" data-component-name="Twitter2ToDOM" class="pencraft"><div class="pencraft">'
            '<div>Valley Buses</div><div>@valleybus_ex</div><div>Night buses run again from Friday.</div>'
            '<div>180 Likes 22 Retweets</div></div></a>')
    doc = extract_html(page(card + TAIL))
    assert [e.key for e in doc.embeds] == ["x:1740000000000000501"]
    assert "Night buses" not in doc.text and "Likes" not in doc.text
