"""Posts flattened into plain text: a paragraph that ends (or starts) in a platform's scaffolding.

    X, Bluesky  <post text> — Display Name (@handle) December 27, 2023
    Instagram   <caption> A post shared by Display Name (@handle) [on <date>]
    Facebook    <post text> Posted by Page Name on Thursday, August 27, 2015
    Reddit      <title> by u/name in r/sub
    TikTok      @handle <caption #tags> ♬ <sound>
    Mastodon    Post by @user@host View on Mastodon

For X the dash may be an em or en dash, "--" or "-"; the line may be cut short with "…"; the
date follows the embed code's language. We anchor on the last "(@handle)" followed by a date.
Bluesky uses the same line with a domain handle and a time ("Apr 21, 2024 at 15:09") or an ISO
timestamp. Threads leaves only "View on Threads", which names no post, so it is not recognised.
Patterns are data: a new localisation is one more alternative in a constant below.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from postlink.extract.dates import DATE as _DATE
from postlink.extract.dates import KNOWN_DATE, parse_date
from postlink.lexicon import Writing, cues_any, fold, words
from postlink.platforms import parse_post_url

# X handles are 1-15 word characters; Bluesky handles are domain names.
_HANDLE = r"(?:[A-Za-z0-9_]{1,15}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
_DASH = r"(?:—|–|&mdash;|&#8212;|(?:^|\s)(?:--|-))"
# "Name (@handle)", "(@handle)" or a bare "@handle". The name holds no dash, so a dash inside
# the post text is never taken for the attribution's.
_WHO = (rf"(?:(?P<name>(?:(?!—|–|&mdash;|\s--?\s)[^\n])*?)\s*\(@(?P<handle>{_HANDLE})\)"
        rf"|@(?P<bare>{_HANDLE}))")
_ATTRIBUTION = re.compile(
    # An em/en dash may follow the post text directly ("…https://t.co/x— Name"), as the
    # embed's </p>&mdash; leaves no space when flattened; a hyphen needs a space before it.
    rf"{_DASH}\s*{_WHO}\s*"
    rf"(?:\[(?P<date_md>{_DATE})\]\((?P<url_md>[^)\s]+)\)|(?P<date>{_DATE})(?:\s+(?P<url>https?://\S+))?)?"
    r"\.?\s*$"  # a copy may end the line with a full stop
)
# An attribution line with text glued after its date ("… 13 августа 2016 г.Look out! …"): the
# next post begins there. Only a date we can read says where the line ends.
_ATTRIBUTION_HEAD = re.compile(
    rf"^\s*(?:>\s*)?(?:—|–|&mdash;|&#8212;|--|-)\s*{_WHO}\s*{KNOWN_DATE}(?=\s*\S)")
# A paragraph that is only a date, or the embed's date link (the end of an attribution line).
_DATE_ONLY = re.compile(rf"\s*(?:\[{_DATE}\]\([^)\s]+\)|{_DATE}(?:\s+https?://\S+)?)\.?\s*")
_IG_HANDLE = r"[A-Za-z0-9_.]{1,30}"
# Instagram's footer in the languages its embed code is copied in: "A post shared by Name
# (@handle)" (or "by @handle"), then maybe its date, after "on" or alone.
_INSTAGRAM = re.compile(
    r"(?:^|\s)(?:A post shared by|A (?:photo|video) posted by|Ein Beitrag geteilt von|Une publication partagée par"
    r"|Una publicación compartida (?:de|por)|Un post condiviso da|Uma publicação compartilhada por"
    r"|Een bericht gedeeld door|Post udostępniony przez|Публикация от|Ett inlägg delat av"
    r"|Et innlegg delt av|Et opslag delt af|Příspěvek sdílený uživatelem)"
    rf"\s+(?:(?P<name>[^\n]*?)\s*\(@(?P<handle>{_IG_HANDLE})\)|@(?P<bare>{_IG_HANDLE}))"
    # The date after "on" is often lost in a copy, leaving the word alone at the end.
    r"(?:\s+(?:on|am|le|el|il|em|op)(?:\s+(?P<date>[^\n]{4,60}?))?|\s+(?P<date_alone>\d[^\n]{3,60}?))?\s*$"
)
# ... and in the languages that write the name first: Hungarian, Japanese.
_INSTAGRAM_NAME_FIRST = re.compile(
    rf"\(@(?P<handle>{_IG_HANDLE})\)\s*(?:által megosztott bejegyzés|がシェアした投稿)"
    r"(?:\s*[,–-]?\s*(?P<date>\d[^\n]{3,60}?|[^\W\d_][^\n]{0,20}?\d[^\n]{0,40}?))?\s*$"
)
_INSTAGRAM_PLACEHOLDER = re.compile(
    r"^\s*(?:View this post on Instagram|(?:Diese[nrs]? )?(?:Beitrag|Post) auf Instagram ansehen"
    r"|Sieh dir diesen Beitrag auf Instagram an"
    r"|Ver esta publicación en Instagram|Voir cette publication sur Instagram"
    r"|Ver essa foto no Instagram|Dit bericht op Instagram bekijken"
    r"|Visualizza questo post su Instagram|Wyświetl ten post na Instagramie\.?"
    r"|Посмотреть эту публикацию в Instagram|A bejegyzés megtekintése az Instagramon"
    r"|Se dette innlegget på Instagram|Visa inlägget på Instagram|Zobrazit tento příspěvek na Instagramu"
    r"|この投稿をInstagramで見る)\s*", re.I
)
# A display name is at most this long on Instagram: in a name-first footer, the words before
# the handle up to the caption's last sentence end are the name when they fit.
_IG_NAME_CHARS = 30
_FACEBOOK = re.compile(
    r"(?:^|\s)(?:Posted by|Publicada por|Publicado por|Publié par|Gepostet von|Pubblicato da"
    r"|Opublikowany przez|Közzétette:)\s+"
    r"(?P<name>[^\n]{1,80}?)\s+(?:on|en|le|am|il|em|na|–)\s+(?P<date>[^\n]{0,40}?\d{4}[^\n]{0,20}?)\.?\s*$"
)
_REDDIT = re.compile(
    r"^(?P<text>.+?)\s+by\s+u/(?P<handle>[A-Za-z0-9_-]{3,20})\s+(?:from discussion\s+.+?\s+)?in\s+"
    r"(?:r/)?(?P<sub>[A-Za-z0-9_]{2,21})\s*$", re.S
)
_TIKTOK = re.compile(r"^@(?P<handle>[A-Za-z0-9_.]{2,24})\s+(?P<text>.*?)\s*♬\s*(?P<sound>[^\n]*)$", re.S)
_MASTODON = re.compile(
    r"^(?:(?P<text>.*?)\s+)?Post by @(?P<user>[A-Za-z0-9_.]{1,30})@(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,})"
    r"\s*(?:View on Mastodon)?\s*$", re.S
)
# Threads' embed shows "Post by @user" and "View on Threads" (no text, no address, before its
# script runs); a copy may keep the text before them.
_THREADS = re.compile(r"^(?:(?P<text>.*?)\s+)?Post by @(?P<user>[A-Za-z0-9_.]{1,30})\s+View on Threads\s*$", re.S)
# The last line of those embeds, alone.
_VIEW_ON = re.compile(r"\s*View on (?:Threads|Mastodon)\s*")
_WEEKDAYS = cues_any("weekdays")
# Platforms whose scaffolding follows the post text, which may sit in the paragraph before.
_TEXT_PRECEDES = frozenset({"x", "bluesky", "instagram", "facebook"})


@dataclass(frozen=True)
class FlattenedPost:
    """A post recognised in plain text."""

    handle: str
    name: str | None
    text: str
    date_text: str | None
    url: str | None
    truncated: bool
    platform: str = "x"


def parse_flattened(paragraph: str, *, like: frozenset[bool] = frozenset()) -> FlattenedPost | None:
    """The post a paragraph holds, if it carries one platform's flattened-embed scaffolding.

    ``like`` holds the forms of the X posts already read from the same copy (True: with a
    display name, False: a bare handle): a dateless attribution of one of those forms is taken
    after any text, since that copy is seen to write attributions so."""
    # Instagram first: its footer's "(@handle)" at the line's end would pass for an X
    # attribution after a dash ("… — A post shared by Name (@handle)")
    return (_instagram(paragraph) or _x_or_bluesky(paragraph, like) or _facebook(paragraph)
            or _reddit(paragraph) or _tiktok(paragraph) or _post_by(paragraph))


def _x_or_bluesky(paragraph: str, like: frozenset[bool] = frozenset()) -> FlattenedPost | None:
    if "@" not in paragraph:
        return None  # every attribution names a handle: the regex need not scan the prose
    m = _ATTRIBUTION.search(paragraph)
    if not m:
        return None
    date = m.group("date_md") or m.group("date")
    dash = paragraph[m.start():].lstrip()[:1]  # "&" for "&mdash;"
    if date is None and paragraph[: m.start()].rstrip(" \t>")[-1:] not in ("", "\n") \
            and not _dateless_after_text(paragraph[: m.start()], dash, m.group("name")) \
            and not (dash in _DASHES and bool(m.group("name")) in like):
        return None  # without a date, an attribution on its own line, or one after a sentence
    if _is_credit(m.group("name")):
        return None  # "— Photo: Jo Park (@jopark)": a picture's credit line, not a post's author
    text = _strip_quote_markers(paragraph[: m.start()])
    name = _name(m.group("name"))
    if date is None and _names_itself(text, name):
        return None  # "Dana Whitfield covers city hall. Follow her — Dana Whitfield (@dw)": a byline
    head = _NAME_HEAD.search(text) if name and dash in ("–", "-") else None
    if head:  # "— Lakeside FC – Official (@LakesideFC)": the name's own dash cut it in two
        text, name = text[: head.start()].rstrip(), f"{head.group('head')} {dash} {name}"
    url = m.group("url_md") or m.group("url")
    ref = parse_post_url(url) if url else None
    handle = m.group("handle") or m.group("bare")
    if ref is not None:
        platform = ref.platform
    elif "." in handle or "[image or embed]" in text or (date and re.search(r"\d:\d\d", date)):
        platform = "bluesky"  # domain handle, or a date with a time: Bluesky's embed line
    else:
        platform = "x"
    if platform == "bluesky":
        text = text.replace("[image or embed]", "").strip()
    return FlattenedPost(handle, name, text, date, url if ref else None, _truncated(text), platform)


# The first part of a display name that holds a dash of its own, after the attribution's em
# dash: a few capitalised words, no sentence end.
_NAME_HEAD = re.compile(r"(?:^|\s)(?:—|&mdash;|&#8212;)\s*(?P<head>[A-Z0-9][^\n—.!?:;]{0,38}?)\s*$")
# the end of a sentence, a link, or an emoji (the pictographs and the dingbats)
_SENTENCE_END = re.compile(r"(?:[.!?…)\"”»\U0001F300-\U0001FAFF\u2600-\u27BF]|https?://\S+|pic\.twitter\.com/\S+)\s*$")


_DASHES = ("—", "–", "&")  # an attribution's first character: em, en dash; "&" opens "&mdash;"


def is_embed_label(paragraph: str) -> bool:
    """The paragraph is only an embed's label, with no post it names: "View this post on
    Instagram" whose caption and footer the copy lost, or Threads' "View on Threads" (all its
    flattened embed holds). It is scaffolding, not the article's prose."""
    return bool(_INSTAGRAM_PLACEHOLDER.fullmatch(paragraph) or _VIEW_ON.fullmatch(paragraph))


def _dateless_after_text(before: str, dash: str, name: str | None) -> bool:
    """"… a better plan. — Ana Duro (@PMAnaDuro)": a copy that lost the date link leaves the
    line ending in the name and handle. Taken only after an em or en dash (``dash``: the
    attribution's first character), with a display name, and after text (``before``) that
    ends a sentence (or in a link or an emoji)."""
    return bool(name) and dash in _DASHES and bool(_SENTENCE_END.search(before))


def _names_itself(text: str, name: str | None) -> bool:
    """The text names its author by the whole display name (of two words or more): a
    writer's byline above their handle, since a post does not speak of its author so."""
    if not name or len(name.split()) < 2:
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


_CREDIT_LABEL = re.compile(r"\s*([^\W\d_]+)\s*:")
_CREDIT_WORDS = cues_any("credit_words")


def _is_credit(name: str | None) -> bool:
    label = _CREDIT_LABEL.match(name or "")
    return label is not None and fold(label.group(1)) in _CREDIT_WORDS


def _instagram(paragraph: str) -> FlattenedPost | None:
    if "@" not in paragraph:
        return None
    m = _INSTAGRAM.search(paragraph)
    if m:
        before, name = paragraph[: m.start()], m.group("name")
        handle, date = m.group("handle") or m.group("bare"), m.group("date") or m.group("date_alone")
    else:
        m = _INSTAGRAM_NAME_FIRST.search(paragraph)
        if not m:
            return None
        before, name = _name_last(paragraph[: m.start()])
        handle, date = m.group("handle"), m.group("date")
    before = _strip_quote_markers(before)
    text = _INSTAGRAM_PLACEHOLDER.sub("", before).strip()
    if not text and before:
        # Only the placeholder survived: the caption was cut away, and this paragraph (not
        # the one before it) was the post.
        return FlattenedPost(handle, _name(name), before, date, None, True, "instagram")
    return FlattenedPost(handle, _name(name), text, date, None, _truncated(text), "instagram")


def _name_last(text: str) -> tuple[str, str | None]:
    """(caption, display name) of the text before a name-first footer's handle: the name is
    what follows the placeholder or the caption's last sentence end, when it is short enough."""
    head = _INSTAGRAM_PLACEHOLDER.match(text)
    start = head.end() if head else 0
    ends = [text.rfind(c, start) for c in ".!?…\n。！？"]
    cut = max([start - 1, *ends]) + 1
    name = text[cut:].strip()
    if len(name) > _IG_NAME_CHARS:
        return text, None  # no telling where the caption ends: it keeps the name
    return text[:cut], name or None


def _facebook(paragraph: str) -> FlattenedPost | None:
    m = _FACEBOOK.search(paragraph)
    if not m:
        return None
    text = _strip_quote_markers(paragraph[: m.start()])
    name = _name(m.group("name")) or ""
    # Facebook shows no handle; the page name stands in for it in provisional keys.
    return FlattenedPost(name, name or None, text, m.group("date"), None, _truncated(text),
                         "facebook")


def _reddit(paragraph: str) -> FlattenedPost | None:
    if "u/" not in paragraph:
        return None
    m = _REDDIT.match(paragraph.strip())
    if not m:
        return None
    text = _strip_quote_markers(m.group("text"))
    return FlattenedPost(m.group("handle"), None, text, None, None, _truncated(text), "reddit")


def _tiktok(paragraph: str) -> FlattenedPost | None:
    m = _TIKTOK.match(paragraph.strip())
    if not m:
        return None
    text = " ".join(m.group("text").split())
    return FlattenedPost(m.group("handle"), None, text, None, None, _truncated(text), "tiktok")


def _post_by(paragraph: str) -> FlattenedPost | None:
    """Mastodon's "Post by @user@host View on Mastodon" and Threads' "Post by @user View on
    Threads", maybe after the post's text."""
    if "Post by @" not in paragraph:
        return None
    for pattern, platform in ((_MASTODON, "mastodon"), (_THREADS, "threads")):
        m = pattern.match(paragraph.strip())
        if m:
            handle = f"{m['user']}@{m['host'].lower()}" if platform == "mastodon" else m["user"]
            text = (m.group("text") or "").strip()
            return FlattenedPost(handle, None, text, None, None, _truncated(text), platform)
    return None


def _strip_quote_markers(text: str) -> str:
    return re.sub(r"^\s*>\s?", "", text.strip(), flags=re.M).strip()  # Markdown blockquotes


def _name(raw: str | None) -> str | None:
    return " ".join((raw or "").split()) or None


# "…" then only links: the platform cut the text and linked the rest (or its media). An
# ellipsis that ends the text is the author's own ("Surprisingly I can't sleep…").
_CUT = re.compile(r"(?:…|\.\.\.)(?:\s*(?:https?://|pic\.twitter\.com/)\S+)+\s*$")


def _truncated(text: str) -> bool:
    return _CUT.search(text) is not None


def before_cut(text: str) -> str:
    """A truncated post's visible words: its text before the "…" and the links after it."""
    return _CUT.sub("", text)


@dataclass(frozen=True)
class PostSpan:
    """A flattened post found in a run of paragraphs: ``first``..``last`` (inclusive) hold it."""

    first: int
    last: int
    post: FlattenedPost


def split_glued_attribution(line: str) -> list[str]:
    """An attribution line with the next post's text glued after its date, as two lines."""
    m = _ATTRIBUTION_HEAD.match(line)
    if m is None or _ATTRIBUTION.search(line):  # what follows is the line's own permalink
        return [line]
    return [line[: m.end()], line[m.end():].strip()]


def join_date_lines(lines: Sequence[str]) -> list[str]:
    """Lines with each date line that follows a dateless attribution line put back on it: a
    copy may break the embed's date link onto a line of its own ("— Name (@handle)" /
    "March 10, 2024"), as find_posts does for a date in a paragraph of its own."""
    out: list[str] = []
    for line in lines:
        if out and "@" in out[-1] and _DATE_ONLY.fullmatch(line):  # every attribution names a handle
            post = parse_flattened(out[-1])
            if post is not None and post.date_text is None:
                dated = parse_flattened(out[-1] + " " + line)
                if dated is not None and dated.date_text:
                    out[-1] = out[-1] + " " + line
                    continue
        out.append(line)
    return out


def lead_in_length(lines: Sequence[str]) -> int:
    """How many of a block's first lines are the article's lead-in to the post whose
    attribution stands alone on the block's last line: a copy that joined lead-in, post and
    attribution with single newlines ("Chief librarian Ola Nyberg explained the decision:").
    A lead-in ends in ":" or names the post's author; 0 when the block is not that shape."""
    if len(lines) < 3:
        return 0
    post = parse_flattened(lines[-1])
    if post is None or post.text or post.platform not in _TEXT_PRECEDES:
        return 0
    n = 0
    while n < len(lines) - 2 and (lines[n].rstrip().endswith(":") or _names_author(lines[n], post)):
        n += 1
    return n


def find_posts(paragraphs: Sequence[str], gaps: Sequence[int] = (), *, runs: bool = True) -> list[PostSpan]:
    """The flattened posts among an article's paragraphs, in order.

    A post ends in the paragraph holding its attribution. When the attribution stands alone,
    the paragraph before it is the post's text. A post of several paragraphs reaches further
    back (``gaps[i]`` is the number of blank lines before paragraph ``i``):

    - over a gap wider than the article's usual one, as copies write a post's own blank lines;
    - over paragraphs that can be the post's text (``_reads_as_post``) when the run of them
      starts right after a paragraph that cannot (a heading, a lead-in, another post). A run
      that reaches the start of the text, or the platform's length limit, stays prose: a short
      intro line before a post looks like post text too.

    Without ``runs`` a post is only its attribution's paragraph and, when that holds no text,
    the one before it: a page's markup already groups a post's paragraphs (in a blockquote).
    """
    usual = Counter(gaps[1:]).most_common(1)[0][0] if len(gaps) > 1 else 0
    parsed = [parse_flattened(p) for p in paragraphs]
    # the attribution forms this copy writes: a dateless one of the same form is a post too
    like = frozenset(p.name is not None for p in parsed if p is not None and p.platform in ("x", "bluesky"))
    found: list[PostSpan] = []
    taken = -1  # paragraphs up to this index belong to an earlier post
    for i, para in enumerate(paragraphs):
        if i <= taken:
            continue  # the date line of the post before
        post = parsed[i] or (parse_flattened(para, like=like) if like else None)
        last = i
        if (post is None or post.date_text is None) and i + 1 < len(paragraphs) \
                and _DATE_ONLY.fullmatch(paragraphs[i + 1]):
            # the attribution's date on a line of its own, as a copy may break the embed's
            # date link out of its line
            dated = parse_flattened(para + " " + paragraphs[i + 1])
            if dated is not None and dated.date_text:
                post, last, para = dated, i + 1, para + " " + paragraphs[i + 1]
        if "Post by @" in para and i + 1 < len(paragraphs) and _VIEW_ON.fullmatch(paragraphs[i + 1]):
            # "Post by @user" and "View on Threads" broken into paragraphs of their own
            post, last = parse_flattened(para + "\n" + paragraphs[i + 1]), i + 1
        first = i
        if post is None and para.lstrip().startswith("♬"):
            post, first = _split_tiktok(paragraphs, i, taken) or (None, i)
        if post is None or not post.text and not _footer_alone_is_a_post(post):
            continue
        if not post.text and post.platform in _TEXT_PRECEDES and i - 1 > taken:
            first = i - 1  # attribution on its own: the paragraph before it was the text
        if post.platform == "instagram":
            first = _instagram_start(paragraphs, first, taken)
        if runs and post.platform in _LIMITS:
            text = paragraphs[first] if first < i else post.text
            while (first - 1 > taken and gaps and gaps[first] > usual
                   and _fits(paragraphs[first - 1], text, post)
                   and not Writing.of(paragraphs[first - 1]).differs(Writing.of(text))):
                first -= 1
                text = paragraphs[first] + "\n\n" + text
            # A run before an attribution on its own line is the post's layout kept line by
            # line; before an attribution on the post's own line, only short lines in the
            # first person ("We won't back down.") join it, not an article's lead-in.
            first = _run_start(paragraphs, first, text, post, taken, voiced=first == i)
        if first < i:
            # the attribution keeps its own line; a paragraph holding text as well stays one
            joint = "\n\n" if post.text else "\n"
            post = parse_flattened("\n\n".join(paragraphs[first:i]) + joint + para) or post
        found.append(PostSpan(first, last, post))
        taken = last
    return found


# An Instagram caption runs up to this many paragraphs under the embed's placeholder line.
_IG_CAPTION_PARAGRAPHS = 6


def _instagram_start(paragraphs: Sequence[str], first: int, taken: int) -> int:
    """Where an Instagram post whose caption starts at ``first`` begins: at "View this post on
    Instagram" on a line of its own above the caption, which bounds a caption of several
    paragraphs as the embed showed it (without the line, only the paragraph before the footer)."""
    for start in range(first - 1, max(taken, first - 1 - _IG_CAPTION_PARAGRAPHS), -1):
        if _INSTAGRAM_PLACEHOLDER.fullmatch(paragraphs[start]):
            return start
        if parse_flattened(paragraphs[start]) is not None:
            break  # another post's line: the caption does not reach past it
    return first


_TIKTOK_HANDLE_LINE = re.compile(r"\s*@[A-Za-z0-9_.]{2,24}\s*")
# A TikTok embed's caption is a paragraph of its own between the handle and the sound link,
# which a copy puts on lines of their own: this many caption paragraphs at most.
_TIKTOK_CAPTION_PARAGRAPHS = 3


def _split_tiktok(paragraphs: Sequence[str], i: int, taken: int) -> tuple[FlattenedPost, int] | None:
    """A TikTok embed copied line by line: "@handle", the caption, then "♬ sound" (paragraph
    ``i``). The post and its first paragraph."""
    for start in range(i - 1, max(taken, i - 1 - _TIKTOK_CAPTION_PARAGRAPHS), -1):
        if _TIKTOK_HANDLE_LINE.fullmatch(paragraphs[start]):
            post = _tiktok("\n\n".join(paragraphs[start:i + 1]))
            return (post, start) if post is not None else None
    return None


def _footer_alone_is_a_post(post: FlattenedPost) -> bool:
    """A footer standing in a paragraph of its own takes the paragraph before as its post's
    text. Facebook's names the weekday ("Posted by Harbour Ferry on Monday, December 4,
    2023"); a blog's byline, the same words otherwise ("Posted by Admin on March 3, 2024"),
    does not, and must not take the article's paragraph for a post."""
    if post.platform != "facebook":
        return True
    return not _WEEKDAYS.isdisjoint(words(post.date_text or ""))


def _run_start(paragraphs: Sequence[str], first: int, text: str, post: FlattenedPost,
               taken: int, voiced: bool) -> int:
    """Where a post starts once the paragraphs before ``first`` that read as its text join it
    (with ``voiced``, only short ones in the first person)."""
    start = first
    while start - 1 > taken:
        before = paragraphs[start - 1]
        if not _reads_as_post(before, text, post):
            return start  # the article's own paragraph: the post starts after it
        # a paragraph in another language or script than the post's is the article's
        # translation of it, written right under it (read once, for the first-person test too)
        mine, its = Writing.of(before), Writing.of(text)
        if mine.differs(its):
            return start
        if not _fits(before, text, post) or voiced and not _first_person_line(before, mine.language or its.language):
            return first  # the run ran into the length limit: it is prose
        start -= 1
        text = before + "\n\n" + text
    return start if taken >= 0 else first  # after another post, or the start of the text


# Longest text a post of the platform can have, in X's weighted count (a link counts 23, a
# media link nothing): a paragraph that would make the post longer is article prose. X allowed
# 140 characters until 7 November 2017.
_LIMITS = {"x": 280, "bluesky": 300}
_X_LONGER_POSTS = "2017-11-07"
_SHORT_LINE = 80  # characters: a line of a post, not a paragraph of an article
_FIRST_PERSON_BY_LANGUAGE = {
    code: frozenset(lang["words"]) for code, lang in tomllib.loads(
        (files("postlink") / "lexicon" / "first_person.toml").read_text("utf-8")).items()}
_FIRST_PERSON = frozenset().union(*_FIRST_PERSON_BY_LANGUAGE.values())
_LINK = re.compile(r"(?:https?://|pic\.twitter\.com/)\S+")
_DIALOGUE_DASH = ("–", "—", "-")  # opens reported speech in many languages' articles
_CLOSERS = "\"'”’»›)]*_ "


def _fits(paragraph: str, text: str, post: FlattenedPost) -> bool:
    """Would the post, with ``paragraph`` added, stay within its platform's length limit?"""
    limit = _LIMITS[post.platform]
    created = parse_date(post.date_text)
    if post.platform == "x" and created and created[:10] < _X_LONGER_POSTS:
        limit = 140
    return _weighted_length(paragraph) + 1 + _weighted_length(text) <= limit


def _reads_as_post(paragraph: str, text: str, post: FlattenedPost) -> bool:
    """Can ``paragraph`` (just before a post's ``text``) be the post's opening paragraph?

    Not when it reads as the article's own: a lead-in ending in ":", a heading or label (no
    sentence end), a line of reported speech opening with a dash, a sentence naming the
    post's author, or one that quotes the post's words. (_run_start also asks its language.)
    """
    words = paragraph.strip()
    if not words or words.endswith(":") or words.startswith(_DIALOGUE_DASH):
        return False
    end = _LINK.sub("", words).rstrip(_CLOSERS)[-1:]
    if not end or end.isalnum():
        return False  # a heading, a label ("Advertisement"), a name: no sentence ends here
    return not _names_author(paragraph, post) and not _shares_run(paragraph, text)


def _first_person_line(paragraph: str, language: str | None) -> bool:
    """A short line in the first person, read in ``language`` (its own, or else the post's;
    None: not known): in every language at once, Norwegian and Polish "i" (in, and) or French
    "ma" would be first-person words of an article's line. English "I" is a capital."""
    if len(paragraph) > _SHORT_LINE:
        return False
    mine = _FIRST_PERSON_BY_LANGUAGE.get(language or "", _FIRST_PERSON)
    found = re.findall(r"\w+(?:['’]\w*)?|\w", paragraph)
    return any(w.lower() in mine and (w != "i" or language not in (None, "en")) for w in found)


def _weighted_length(text: str) -> int:
    links = _LINK.findall(text)
    return len(_LINK.sub("", text).strip()) + 23 * sum(1 for u in links if not u.startswith("pic."))


def _names_author(paragraph: str, post: FlattenedPost) -> bool:
    """The paragraph names the author by handle or by a word of the display name."""
    if re.search(rf"@?\b{re.escape(post.handle)}\b", paragraph, re.I):
        return True
    # in any case: "The mayor of Dunmere apologised" speaks of "Mayor Tilly Ashby", "the fire
    # brigade" of "Coast Fire & Rescue"; a post seldom names its own author
    names = {w for w in re.findall(r"[^\W\d_][\w'’-]*", post.name or "") if len(w) >= 4 and w[0].isupper()}
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", paragraph, re.I) for n in names)


_RUN = 4  # words in a row shared with the post: the article quoting it


def _shares_run(paragraph: str, text: str) -> bool:
    post_words = re.findall(r"\w+", text.lower())
    runs = {tuple(post_words[i:i + _RUN]) for i in range(len(post_words) - _RUN + 1)}
    words = re.findall(r"\w+", paragraph.lower())
    return any(tuple(words[i:i + _RUN]) in runs for i in range(len(words) - _RUN + 1))


def provisional_key(platform: str, handle: str, text: str) -> str:
    """Key for a post known only by handle and text; merged once the permalink is known."""
    return f"{platform}:@{handle.lower()}/{text_fingerprint(text)}"


def text_fingerprint(text: str) -> str:
    """Hash of the post text with links, case, punctuation and spacing removed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?:https?://|pic\.twitter\.com/)\S+", " ", text, flags=re.I)
    text = text.rstrip("…").removesuffix("...")
    words = re.findall(r"\w+", text.lower())
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:16]
