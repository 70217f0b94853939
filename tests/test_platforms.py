"""Post URLs to canonical keys across host aliases, permalinks, and times encoded in ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postlink.platforms import created_at, parse_post_url

# (URL, key, permalink): every accepted form of a post maps to one key.
CASES = [
    ("https://twitter.com/jack/status/20", "x:20", "https://twitter.com/jack/status/20"),
    ("https://x.com/jack/status/20?s=20&t=abc", "x:20", "https://twitter.com/jack/status/20"),
    ("https://mobile.twitter.com/jack/statuses/20/photo/1", "x:20", "https://twitter.com/jack/status/20"),
    ("https://twitter.com/i/web/status/20", "x:20", "https://twitter.com/i/web/status/20"),
    ("https://fxtwitter.com/jack/status/20", "x:20", "https://twitter.com/jack/status/20"),
    ("at://did:plc:abc123/app.bsky.feed.post/3kqmooj3ems2w", "bsky:did:plc:abc123/3kqmooj3ems2w",
     "https://bsky.app/profile/did:plc:abc123/post/3kqmooj3ems2w"),
    ("https://bsky.app/profile/did:plc:abc123/post/3kqmooj3ems2w?ref_src=embed",
     "bsky:did:plc:abc123/3kqmooj3ems2w", "https://bsky.app/profile/did:plc:abc123/post/3kqmooj3ems2w"),
    ("https://embed.bsky.app/embed/did:plc:abc123/app.bsky.feed.post/3kqmooj3ems2w",
     "bsky:did:plc:abc123/3kqmooj3ems2w", "https://bsky.app/profile/did:plc:abc123/post/3kqmooj3ems2w"),
    ("https://bsky.app/profile/Pat.Example.social/post/3kqmooj3ems2w", "bsky:pat.example.social/3kqmooj3ems2w",
     "https://bsky.app/profile/pat.example.social/post/3kqmooj3ems2w"),
    ("https://mastodon.social/@bob/116242278064339656", "mastodon:mastodon.social/116242278064339656",
     "https://mastodon.social/@bob/116242278064339656"),
    ("https://mastodon.social/@bob/116242278064339656/embed", "mastodon:mastodon.social/116242278064339656",
     "https://mastodon.social/@bob/116242278064339656"),
    ("https://mastodon.social/users/bob/statuses/116242278064339656", "mastodon:mastodon.social/116242278064339656",
     "https://mastodon.social/@bob/116242278064339656"),
    ("https://truthsocial.com/@someone/posts/114491534347862682", "truthsocial:114491534347862682",
     "https://truthsocial.com/@someone/posts/114491534347862682"),
    ("https://truthsocial.com/@someone/114491534347862682/embed", "truthsocial:114491534347862682",
     "https://truthsocial.com/@someone/posts/114491534347862682"),
    ("https://www.threads.net/@chef/post/DG5ETJ7xAe7?xmt=AQ", "threads:DG5ETJ7xAe7",
     "https://www.threads.com/@chef/post/DG5ETJ7xAe7"),
    ("https://threads.com/@chef/post/DG5ETJ7xAe7", "threads:DG5ETJ7xAe7", "https://www.threads.com/@chef/post/DG5ETJ7xAe7"),
    ("https://www.threads.net/t/DG5ETJ7xAe7", "threads:DG5ETJ7xAe7", "https://www.threads.com/t/DG5ETJ7xAe7"),
    ("https://www.instagram.com/p/BnSBALPBGaF/?utm_source=ig_embed", "instagram:BnSBALPBGaF",
     "https://www.instagram.com/p/BnSBALPBGaF/"),
    ("https://instagram.com/reel/BnSBALPBGaF", "instagram:BnSBALPBGaF", "https://www.instagram.com/p/BnSBALPBGaF/"),
    ("https://www.instagram.com/tv/BnSBALPBGaF/", "instagram:BnSBALPBGaF", "https://www.instagram.com/p/BnSBALPBGaF/"),
    ("https://www.instagram.com/someone/p/BnSBALPBGaF/", "instagram:BnSBALPBGaF", "https://www.instagram.com/p/BnSBALPBGaF/"),
    ("//www.instagram.com/p/BnSBALPBGaF/embed/captioned/", "instagram:BnSBALPBGaF", "https://www.instagram.com/p/BnSBALPBGaF/"),
    ("https://www.facebook.com/SomePage/posts/10158000000000001", "facebook:10158000000000001",
     "https://www.facebook.com/SomePage/posts/10158000000000001"),
    ("https://m.facebook.com/permalink.php?story_fbid=10158000000000001&id=100000000000001",
     "facebook:10158000000000001", "https://www.facebook.com/permalink.php?story_fbid=10158000000000001&id=100000000000001"),
    ("https://www.facebook.com/photo.php?fbid=10207393772231779&set=a.1.2.3&type=3",
     "facebook:10207393772231779", "https://www.facebook.com/photo.php?fbid=10207393772231779"),
    ("https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fphoto.php%3Ffbid%3D10207393772231779&width=500",
     "facebook:10207393772231779", "https://www.facebook.com/photo.php?fbid=10207393772231779"),
    ("https://www.facebook.com/SomePage/videos/987654321098765/", "facebook:987654321098765",
     "https://www.facebook.com/SomePage/videos/987654321098765"),
    ("https://www.facebook.com/watch/?v=987654321098765", "facebook:987654321098765",
     "https://www.facebook.com/watch/?v=987654321098765"),
    ("https://www.tiktok.com/@scout/video/7295627671319383328?is_from_webapp=1", "tiktok:7295627671319383328",
     "https://www.tiktok.com/@scout/video/7295627671319383328"),
    ("https://www.tiktok.com/embed/v2/7295627671319383328", "tiktok:7295627671319383328",
     "https://www.tiktok.com/@/video/7295627671319383328"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", "youtube:dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc", "youtube:dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0", "youtube:dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://m.youtube.com/live/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.reddit.com/r/chicago/comments/c5xjqs/lyft_uber_quality_decline/", "reddit:c5xjqs",
     "https://www.reddit.com/r/chicago/comments/c5xjqs/"),
    ("https://old.reddit.com/r/chicago/comments/c5xjqs/", "reddit:c5xjqs", "https://www.reddit.com/r/chicago/comments/c5xjqs/"),
    ("https://redd.it/c5xjqs", "reddit:c5xjqs", "https://www.reddit.com/comments/c5xjqs/"),
    ("https://www.reddit.com/r/chicago/comments/c5xjqs/slug/erz1abc/", "reddit:c5xjqs/erz1abc",
     "https://www.reddit.com/r/chicago/comments/c5xjqs/comment/erz1abc/"),
    ("https://www.linkedin.com/feed/update/urn:li:activity:7402746946853253120/", "linkedin:7402746946853253120",
     "https://www.linkedin.com/feed/update/urn:li:activity:7402746946853253120/"),
    ("https://www.linkedin.com/posts/someone_topic-activity-7402746946853253120-AbCd", "linkedin:7402746946853253120",
     "https://www.linkedin.com/feed/update/urn:li:activity:7402746946853253120/"),
    ("https://www.linkedin.com/embed/feed/update/urn%3Ali%3AugcPost%3A7402746945318146049", "linkedin:7402746945318146049",
     "https://www.linkedin.com/feed/update/urn:li:ugcPost:7402746945318146049/"),
    ("https://t.me/DurovsChannel/123", "telegram:durovschannel/123", "https://t.me/durovschannel/123"),
    ("https://t.me/s/durovschannel/123", "telegram:durovschannel/123", "https://t.me/durovschannel/123"),
    ("https://telegram.me/durovschannel/123?embed=1", "telegram:durovschannel/123", "https://t.me/durovschannel/123"),
]


@pytest.mark.parametrize(("url", "key", "permalink"), CASES)
def test_url_forms(url: str, key: str, permalink: str) -> None:
    ref = parse_post_url(url)
    assert ref is not None
    assert (ref.key, ref.permalink) == (key, permalink)


@pytest.mark.parametrize(("url", "key", "permalink"), CASES)
def test_permalink_is_a_fixed_point(url: str, key: str, permalink: str) -> None:
    ref = parse_post_url(permalink)
    assert ref is not None and (ref.key, ref.permalink) == (key, permalink)


@pytest.mark.parametrize("url", [
    "https://twitter.com/jack", "https://twitter.com/hashtag/news", "https://twitter.com/search?q=x",
    "https://twitter.com/intent/tweet?url=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1",
    "https://twitter.com/share", "https://x.com/i/lists/123",
    "https://bsky.app/profile/pat.example.social", "https://mastodon.social/@bob",
    "https://blog.example.com/@editor/2024", "https://truthsocial.com/@someone",
    "https://www.threads.net/@chef", "https://www.instagram.com/someone/",
    "https://www.instagram.com/explore/tags/cats/", "https://www.facebook.com/SomePage",
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fnews.example%2F",
    "https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fwww.facebook.com%2FPage%2Fposts%2F10158000000000001",
    "https://www.tiktok.com/@scout", "https://vm.tiktok.com/ZMabc/",
    "https://www.youtube.com/@channel", "https://www.youtube.com/embed/videoseries?list=PL1",
    "https://www.youtube.com/watch?v=short", "https://www.reddit.com/r/chicago/",
    "https://www.reddit.com/submit?url=x", "https://www.reddit.com/user/someone/",
    "https://www.linkedin.com/in/someone/", "https://www.linkedin.com/company/example/",
    "https://t.me/durovschannel", "https://t.me/joinchat/abcdef", "https://t.me/c/123456/7",
    "mailto:a@b.c", "javascript:void(0)", "", "not a url", "https://[bad/",
])
def test_not_a_post(url: str) -> None:
    assert parse_post_url(url) is None


def test_mastodon_on_any_host_needs_fediverse_evidence() -> None:
    url = "https://books.example.net/@shelver/116242278064339656"
    assert parse_post_url(url) is None
    ref = parse_post_url(url, fediverse=True)
    assert ref is not None and ref.key == "mastodon:books.example.net/116242278064339656"


# Expected times from reference/platforms.md (its [inference] checks of real ids).
@pytest.mark.parametrize(("key", "expected"), [
    ("x:1778921269670342776", datetime(2024, 4, 12, 23, 0, tzinfo=UTC)),
    ("mastodon:mastodon.social/116242278064339656", datetime(2026, 3, 17, 3, 0, tzinfo=UTC)),
    ("truthsocial:114491534347862682", datetime(2025, 5, 11, 22, 22, tzinfo=UTC)),
    ("instagram:BnSBALPBGaF", datetime(2018, 9, 3, 22, 55, 42, tzinfo=UTC)),
    ("tiktok:7295627671319383328", datetime(2023, 10, 30, tzinfo=UTC)),
    ("bsky:did:plc:abc/3kqmooj3ems2w", datetime(2024, 4, 21, 6, 9, tzinfo=UTC)),
])
def test_created_at(key: str, expected: datetime) -> None:
    got = created_at(key)
    assert got is not None
    # the reference gives minutes (X, Mastodon, Bluesky), seconds (Instagram) or a day (TikTok)
    resolution = {"tiktok": 86400, "instagram": 1}.get(key.split(":")[0], 60)
    assert 0 <= (got - expected).total_seconds() < resolution


def test_linkedin_created_at_is_id_shifted_22_bits_in_unix_ms() -> None:
    got = created_at("linkedin:7402746946853253120")
    assert got is not None and round(got.timestamp() * 1000) == 1764952408517


@pytest.mark.parametrize("key", ["x:20", "mastodon:h/12345", "youtube:dQw4w9WgXcQ", "reddit:c5xjqs",
                                 "bsky:did:plc:abc/self", "instagram:" + "A" * 40, "x:99999999999999999999999"])
def test_created_at_is_none_when_the_id_encodes_no_time(key: str) -> None:
    assert created_at(key) is None


# -- properties ------------------------------------------------------------------------------

handles = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,14}", fullmatch=True)
snowflakes = st.integers(min_value=10**17, max_value=2**63 - 1)
shortcodes = st.from_regex(r"[A-Za-z0-9_-]{11}", fullmatch=True)
yt_ids = st.from_regex(r"[A-Za-z0-9_-]{11}", fullmatch=True).filter(lambda s: s not in ("videoseries", "live_stream"))


@given(handles, snowflakes)
def test_every_x_form_maps_to_one_key(handle: str, status: int) -> None:
    forms = [f"https://twitter.com/{handle}/status/{status}", f"https://x.com/{handle}/status/{status}?s=20",
             f"https://mobile.twitter.com/{handle}/statuses/{status}", f"https://twitter.com/i/web/status/{status}",
             f"https://x.com/{handle}/status/{status}/photo/1"]
    keys = set()
    for form in forms:
        ref = parse_post_url(form)
        if handle.lower() in ("i", "home", "search", "hashtag", "intent", "share", "explore", "settings"):
            continue
        assert ref is not None
        keys.add(ref.key)
    assert keys <= {f"x:{status}"}


@given(shortcodes, handles)
def test_every_instagram_form_maps_to_one_key(code: str, user: str) -> None:
    forms = [f"https://www.instagram.com/p/{code}/", f"https://instagram.com/reel/{code}",
             f"https://www.instagram.com/tv/{code}/?igsh=x", f"https://www.instagram.com/p/{code}/embed/captioned/"]
    assert {parse_post_url(f).key for f in forms} == {f"instagram:{code}"}  # type: ignore[union-attr]


@given(yt_ids)
def test_every_youtube_form_maps_to_one_key(video: str) -> None:
    forms = [f"https://www.youtube.com/watch?v={video}", f"https://youtu.be/{video}", f"https://www.youtube.com/shorts/{video}",
             f"https://www.youtube.com/embed/{video}?si=x", f"https://www.youtube-nocookie.com/embed/{video}",
             f"https://m.youtube.com/watch?feature=share&v={video}"]
    assert {parse_post_url(f).key for f in forms} == {f"youtube:{video}"}  # type: ignore[union-attr]


@given(st.from_regex(r"[a-z0-9]{5,8}", fullmatch=True), st.from_regex(r"[a-z][a-z0-9_]{2,10}", fullmatch=True))
def test_every_reddit_form_maps_to_one_key(post: str, sub: str) -> None:
    forms = [f"https://www.reddit.com/r/{sub}/comments/{post}/some_title/", f"https://old.reddit.com/r/{sub}/comments/{post}/",
             f"https://redd.it/{post}", f"https://www.reddit.com/comments/{post}"]
    assert {parse_post_url(f).key for f in forms} == {f"reddit:{post}"}  # type: ignore[union-attr]


@given(st.from_regex(r"[a-z][a-z0-9_]{4,20}", fullmatch=True), st.integers(min_value=1, max_value=10**6))
def test_every_telegram_form_maps_to_one_key(channel: str, msg: int) -> None:
    if channel in ("joinchat", "addstickers", "addemoji", "setlanguage", "addlist", "contact", "share",
                   "proxy", "socks", "login", "boost"):
        return
    forms = [f"https://t.me/{channel}/{msg}", f"https://t.me/s/{channel}/{msg}",
             f"https://telegram.me/{channel.upper()}/{msg}?embed=1"]
    assert {parse_post_url(f).key for f in forms} == {f"telegram:{channel}/{msg}"}  # type: ignore[union-attr]


@given(st.sampled_from([c[0] for c in CASES]))
def test_keys_are_idempotent(url: str) -> None:
    ref = parse_post_url(url)
    assert ref is not None
    again = parse_post_url(ref.permalink)
    assert again == ref or (again is not None and again.key == ref.key)


@given(st.text(max_size=200))
def test_parse_never_raises(text: str) -> None:
    ref = parse_post_url(text)
    assert ref is None or ":" in ref.key


@pytest.mark.parametrize(("url", "key", "handle"), [
    ("https://truthsocial.com/users/holmmayor/statuses/112300000000000005", "truthsocial:112300000000000005",
     "holmmayor"),
    ("https://www.facebook.com/video.php?v=10153987654321098", "facebook:10153987654321098", None),
    ("https://twitter.com/#!/piabrandt/status/212345678901234567", "x:212345678901234567", "piabrandt"),
])
def test_older_and_activitypub_permalinks(url: str, key: str, handle: str | None) -> None:
    ref = parse_post_url(url)
    assert ref is not None and (ref.key, ref.handle) == (key, handle)


def test_a_hashbang_address_that_is_no_status_is_no_post() -> None:
    assert parse_post_url("https://twitter.com/#!/search?q=ferry") is None
