"""HTML or plain text to a Document: body text with offsets, sentences, links and embeds.

HTML is parsed once with lxml. Embeds are found on the raw DOM and each is replaced by a
marker paragraph; trafilatura then picks the main content from the same tree (it works on
a copy of its own, so ours stays whole for the body region), and its element tree is walked
into body text with link offsets.
The markers give each embed its position in the body and keep embed text out of sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import MANUALLY_CLEANED

from postlink.errors import InputError
from postlink.extract.cards import drop_link_cards
from postlink.extract.decode import EMPTY, decode_bytes
from postlink.extract.embed_code import read_pasted_code, unescape_code
from postlink.extract.embeds import Found, find_candidates, one_per_rendering, select
from postlink.extract.embeds.flattened import (
    FlattenedPost,
    find_posts,
    is_embed_label,
    join_date_lines,
    lead_in_length,
    parse_flattened,
    provisional_key,
    split_glued_attribution,
)
from postlink.extract.embeds.parked import unpark
from postlink.extract.embeds.postlinks import RawPostLink, find_post_links
from postlink.extract.links import canonical_url, find_text_urls
from postlink.extract.model import (
    CLOSING_QUOTES,
    SENTENCE_END_MARKS,
    Document,
    Embed,
    Link,
    PostLink,
)
from postlink.extract.pasted import pasted_posts
from postlink.extract.region import REGION_CHROME_TAGS, BodyRegion, paragraph_key
from postlink.extract.sentences import split_sentences
from postlink.platforms import parse_post_url

_MARKER = "PLEMBED{}X"
# Bounded: page text may spell a marker too, with any number of digits.
_MARKER_RE = re.compile(r"^PLEMBED([0-9]{1,9})X$")
_FALLBACK_PARAGRAPHS = "//p[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Scripts, styles, vector drawings, media and form controls: no article text among them.
_UNREAD_BY_EXTRACTOR = ("head", "script", "style", "svg", "iframe", "button", "canvas", "video",
                        "audio", "object", "embed", "link", "meta", "input", "select",
                        "textarea", "picture")
# lxml.html's own parser picks each element's class in a Python callback (FormElement for a
# <form>, InputElement for an <input>, ...), called every time an element is touched from
# Python, here and in trafilatura (which works on copies of this tree, and so of its parser):
# 5% of extraction time on the corpus. Nothing here or in trafilatura uses those classes' form
# API, so every element is a plain HtmlElement, looked up in C.
_PARSER = lxml.html.HTMLParser()
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
_BLOCKS = {"p", "head", "item", "quote", "code", "cell", "list", "table", "row", "main", "doc", "body"}


# What to do about a page that yields no article: the two ways in that always work.
_NO_TEXT_ADVICE = ("save the page from a browser once it has loaded, or add the article's "
                   "text as a .txt file")


def extract_html(html: str | bytes, *, url: str | None = None, charset: str | None = None,
                 name: str | None = None) -> Document:
    """Extract a Document from an HTML page. Raises InputError when the page has no body, and
    on any page the extraction cannot read (never another exception); its message names the
    input by ``name`` (a file path), else ``url``."""
    what = name or url or "HTML"
    try:
        return _extract_html(html, url=url, charset=charset, what=what)
    except (ValueError, RecursionError, lxml.etree.LxmlError) as exc:
        # The pieces above refuse the shapes we know (control characters, endless ids, deep
        # nesting); this keeps a shape nobody has tried yet from escaping as a traceback.
        raise InputError(f"{what}: cannot extract this page ({type(exc).__name__}: "
                         f"{str(exc)[:200]}); {_NO_TEXT_ADVICE}") from exc


def _extract_html(html: str | bytes, *, url: str | None, charset: str | None,
                  what: str) -> Document:
    text = decode_bytes(html, declared=charset, what=what) if isinstance(html, bytes) else html
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"{what}: cannot parse HTML ({exc}); {_NO_TEXT_ADVICE}") from exc
    body = tree.find("body")
    # A body with elements passes without reading its text (joining a whole page's text cost
    # a twentieth of the extraction); only an element-less body needs its text looked at.
    if body is None or not len(body) and not "".join(body.itertext()).strip():
        raise InputError(f"{what}: the page has no body text; {_NO_TEXT_ADVICE}")

    unpark(tree, text)  # embeds a consent plugin stored encoded (parked.py)
    unescape_code(tree, text)  # embed code escaped into the page's text (embed_code.py)
    # Every candidate embed, chrome included, becomes a marker paragraph: whether it is the
    # article's is known only once the body region is (region.py).
    candidates = find_candidates(tree)
    markers = []
    for i, f in enumerate(candidates):
        marker = lxml.html.Element("p")
        marker.text = _MARKER.format(i)
        marker.tail = _XML_INVALID.sub("", f.element.tail) if f.element.tail else None
        parent = f.element.getparent()
        if parent is not None:
            parent.replace(f.element, marker)
        markers.append(marker)

    # Read before the tree loses its head and meta tags (below).
    metadata = _metadata(tree)
    # Elements that trafilatura deletes unread and that nothing after it reads: it copies the
    # tree and runs its pruning XPaths over every element before deleting them, so leaving
    # them out first saves both (7% of extraction on the corpus, the same text). Embeds in
    # them were found above; their markers are paragraphs, which these never hold.
    lxml.etree.strip_elements(tree, *_UNREAD_BY_EXTRACTOR, with_tail=False)
    drop_link_cards(tree)  # hover cards inside sentences (cards.py)
    body_tree = _main_content(tree, url)
    if body_tree is None or not len(body_tree):
        body_tree = _fallback_body(tree)  # nothing the extractor calls an article
        region = BodyRegion(tree, None)
    else:
        region = BodyRegion(tree, body_tree)
        _add_missed_paragraphs(region, body_tree)
    # Each marker stands where its embed was, so the region judges the markers.
    kept = {id(f.element) for f in select(
        [Found(markers[i], f.embed) for i, f in enumerate(candidates)], region.is_article)}
    found = [(i, f) for i, f in enumerate(candidates) if id(markers[i]) in kept]
    raw_post_links = find_post_links(tree, base_url=url, is_article=region.is_article,
                                     in_region=region.holds)
    pasted = _mark_pasted_posts(body_tree, first_marker=len(candidates))
    builder = _BodyBuilder(base_url=url)
    builder.feed_tree(body_tree)
    positioned = [
        replace(f.embed, position=builder.markers[i] if i in builder.markers
                else _nearby_position(markers[i], builder), in_body_region=region.holds(markers[i]))
        for i, f in found
    ]
    if pasted:  # in page order with the markup embeds, so one_per_rendering sees neighbours
        flat = [replace(_flattened_embed(post, position=builder.markers[i]), in_body_region=True)
                for i, post in pasted if i in builder.markers]
        positioned = sorted(positioned + flat, key=lambda e: (e.position is None, e.position or 0))
    positioned = one_per_rendering(positioned)
    if not builder.text.strip() and not positioned:
        raise InputError(f"{what}: no article text found in the page; {_NO_TEXT_ADVICE}")
    return Document(
        text=builder.text,
        sentences=split_sentences(builder.text, builder.paragraphs),
        links=tuple(builder.links),
        embeds=tuple(positioned),
        **metadata,
        url=url,
        paragraphs=tuple(builder.paragraphs),
        post_links=_post_links_with_offsets(_outside_pasted(raw_post_links, pasted, builder.links),
                                            builder.links),
    )


def _outside_pasted(raw: list[RawPostLink], pasted: list[tuple[int, FlattenedPost]],
                    body_links: Iterable[Link]) -> list[RawPostLink]:
    """The post links less a pasted post's own permalink (its date's link, part of the post as
    a link inside embed markup is), unless the body links the post elsewhere too."""
    refs = [parse_post_url(post.url) for _, post in pasted if post.url]
    own = {ref.key for ref in refs if ref is not None}
    if not own:
        return raw
    kept_hrefs = {link.href.strip() for link in body_links}
    return [r for r in raw if r.ref.key not in own or r.href in kept_hrefs]


def _mark_pasted_posts(body: lxml.etree._Element, first_marker: int) -> list[tuple[int, FlattenedPost]]:
    """Posts pasted into the page as text (pasted.py): each one's paragraphs become one marker
    paragraph, numbered from ``first_marker``, so the post leaves the prose and keeps its place."""
    out = []
    for n, (held, post) in enumerate(pasted_posts(body, _BLOCKS)):
        marker = lxml.etree.Element("p")
        marker.text = _MARKER.format(first_marker + n)
        marker.tail = held[0].tail
        held[0].getparent().replace(held[0], marker)
        for el in held[1:]:
            el.getparent().remove(el)
        out.append((first_marker + n, post))
    return out


def _main_content(tree: lxml.html.HtmlElement, url: str | None) -> lxml.etree._Element | None:
    """trafilatura's body element for the page (its own copy), None when it finds no article."""
    # bare_extraction hands back trafilatura's own element tree: no XML serialisation and
    # re-parse (that round trip cost as much as the extraction itself on the corpus). Its
    # metadata pass (htmldate, author heuristics) cost a fifth of the extraction time, so
    # title, byline and date are read from the page's meta tags instead (_metadata).
    # favor_recall skips trafilatura's recall escalation, which measures the whole page's
    # text (html2txt) whenever an extraction is short: 9% of extraction time on the corpus,
    # and the same sentences and embeds on all 42 pages (bench/extract.py); the missed
    # paragraphs and the body region below already recover what a short extraction drops.
    # Any output format but "python" leaves the body unrendered: its text (xmltotxt, 2% of
    # extraction time) would go unread, as the body is walked below.
    with _chrome_hollowed(tree):
        extracted = trafilatura.bare_extraction(
            tree, url=url, output_format="xml", include_links=True, include_comments=False,
            include_tables=True, include_images=False, with_metadata=False, fast=True,
            favor_recall=True, as_dict=False,
        )
    return getattr(extracted, "body", None)


# Page chrome that trafilatura deletes whole, with everything in it (MANUALLY_CLEANED).
_CHROME = ("nav", "aside", "footer")
_Swap = tuple[lxml.html.HtmlElement, lxml.html.HtmlElement, lxml.html.HtmlElement]


@contextmanager
def _chrome_hollowed(tree: lxml.html.HtmlElement) -> Iterator[None]:
    """Empty each nav, aside and footer of ``tree`` for the time of the block, then put them back.

    trafilatura deletes these whole, but only after copying the page several times and running
    its pruning XPaths over every element, and a third of the corpus's elements are in them (5%
    of extraction time). An empty element of the same tag, attributes and tail stands in for
    each, so trafilatura cleans the page to the same tree, but where what it reads inside them
    first would change that (_hollow): there they stay whole. Only its rescue of a page where
    it finds under 250 characters (its baseline) no longer reads the chrome's text. The body
    region, embeds and post links read the whole page after it.
    """
    swaps = _hollow(tree)
    try:
        yield
    finally:
        for parent, el, stand_in in reversed(swaps):
            parent.replace(stand_in, el)


def _hollow(tree: lxml.html.HtmlElement) -> list[_Swap]:
    """Replace the outermost nav, aside and footer elements by empty stand-ins: (parent,
    element, stand-in) for each. None where trafilatura's cleaning reads inside them:

    - chrome holding an <h1> (a pruning XPath spares a container holding one);
    - on a page with no <p> outside what it deletes (it then undoes its cleaning);
    - on a page with an element it deletes inside one of the same tag (deleting the outer one
      while it walks that tag, it walks into the deleted copy and leaves the later ones whole).
    """
    deleted = tuple(MANUALLY_CLEANED)
    if all(next(p.iterancestors(*deleted), None) is not None for p in tree.iter("p")):
        return []
    found = list(tree.iter(*deleted))
    if any(next(el.iterancestors(el.tag), None) is not None for el in found):
        return []
    swaps = []
    inside: set[lxml.html.HtmlElement] = set()  # chrome in hollowed chrome, gone with it
    for el in found:
        parent = el.getparent()
        if el.tag not in _CHROME or el in inside or parent is None or el.find(".//h1") is not None:
            continue
        stand_in = tree.makeelement(el.tag, el.attrib)
        stand_in.tail = el.tail
        parent.replace(el, stand_in)
        inside.update(el.iter(*_CHROME))
        swaps.append((parent, el, stand_in))
    return swaps


def extract_text(text: str, *, url: str | None = None, markdown: bool = False,
                 name: str | None = None) -> Document:
    """Extract a Document from plain text (or Markdown) copied from an article.

    Paragraphs are separated by blank lines. Paragraphs that hold a flattened post (text and
    attribution line) become embeds and are kept out of the body text and its sentences. A
    leading `` date YYYY-MM-DD`` line, as text archives write one, is the article's date.
    """
    what = name or url or "text"
    if not text.strip():
        raise InputError(f"{what}: {EMPTY}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    published = None
    dated = _DATE_LINE.match(text)
    if dated:
        published, text = dated.group(1), text[dated.end():]
    paragraphs, gaps = _text_paragraphs(text)
    # A headline is the title, and also a sentence of the text: headlines cite posts too.
    title = None
    if paragraphs and _looks_like_headline(paragraphs[0], markdown):
        title = paragraphs[0].lstrip("# ").strip()

    builder = _BodyBuilder(base_url=url)
    embeds: list[Embed] = []
    spans = iter(find_posts(paragraphs, gaps))
    span = next(spans, None)
    for i, para in enumerate(paragraphs):
        if span is None or i < span.first:
            if is_embed_label(para):
                continue  # an embed's label alone ("View on Threads"): no post, no prose
            code = read_pasted_code(para)  # a platform's embed code pasted as it is
            if code is None:
                builder.add_text_paragraph(para, markdown=markdown)
                continue
            if code.prose:
                builder.add_text_paragraph(code.prose, markdown=markdown)
            embeds.extend(replace(e, position=len(builder.text)) for e in code.embeds)
        elif i == span.last:
            embeds.append(_flattened_embed(span.post, position=len(builder.text)))
            span = next(spans, None)
    if not builder.text.strip() and not embeds:
        raise InputError(f"{what}: no article text found; give the article's paragraphs, "
                         "separated by blank lines")
    return Document(
        text=builder.text,
        sentences=split_sentences(builder.text, builder.paragraphs, whole=(0,) if title else ()),
        links=tuple(builder.links),
        embeds=tuple(embeds),
        title=title,
        published=published,
        url=url,
        paragraphs=tuple(builder.paragraphs),
        post_links=tuple(post_links(builder.links)),
    )


# Text archives start an excerpt with " date 2022-11-04" (or a month, "2021-11"), often with
# the first paragraph on the same line.
_DATE_LINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)(?![\d-])[ \t]*")


def _text_paragraphs(text: str) -> tuple[list[str], list[int]]:
    """Blank-line separated blocks, and the number of blank lines before each.

    Copies from a browser often separate paragraphs by a single newline. A block is read line
    by line when the whole text has no blank lines, or when a line inside the block (not its
    last) is a post attribution line, which would otherwise swallow the prose after it. A
    lead-in line opening a block that ends in a post's attribution is a paragraph of its own.
    An attribution line with the next post glued after its date is cut in two.
    """
    pieces = re.split(r"(\n[ \t]*(?:\n[ \t]*)+)", text)
    blocks = [(b.strip(), pieces[i - 1].count("\n") - 1 if i else 0)
              for i, b in enumerate(pieces) if i % 2 == 0 and b.strip()]
    out: list[str] = []
    gaps: list[int] = []
    for block, gap in blocks:
        lines = join_date_lines([part for line in block.split("\n") if line.strip()
                                 for part in split_glued_attribution(line.strip())])
        if len(lines) > 1 and (len(blocks) == 1 or any(parse_flattened(x) for x in lines[:-1])):
            out.extend(lines)
            gaps.extend([gap] + [0] * (len(lines) - 1))
            continue
        lead = lead_in_length(lines)  # "X explained:" then the post, single newlines apart
        if lead:
            out.extend(lines[:lead])
            gaps.extend([gap] * lead)
        out.append("\n".join(lines[lead:]))
        gaps.append(gap)
    return out, gaps


def _flattened_embed(post: FlattenedPost, *, position: int) -> Embed:
    ref = parse_post_url(post.url) if post.url else None
    if ref is not None:
        key, url, provisional = ref.key, ref.permalink, False
    else:
        key, url, provisional = provisional_key(post.platform, post.handle, post.text), None, True
    return Embed(
        post.platform, key, "flattened-text", url=url, author_handle=post.handle, author_name=post.name,
        text=post.text, date_text=post.date_text, truncated=post.truncated, position=position,
        provisional=provisional,
    )


def _looks_like_headline(paragraph: str, markdown: bool) -> bool:
    if markdown and paragraph.startswith("# "):
        return True
    return (
        "\n" not in paragraph
        and len(paragraph.split()) <= 20
        and not paragraph.rstrip().endswith((*SENTENCE_END_MARKS, ":", *CLOSING_QUOTES))
        and parse_flattened(paragraph) is None
    )


# Where each field is read, in order of preference. A pair (attribute, value) is the content
# of <meta attribute=value content=…>; a string is an XPath, evaluated only when the sources
# before it gave nothing (most pages have the meta tags, so one query usually answers all).
_META_SOURCES: dict[str, tuple[tuple[str, str] | str, ...]] = {
    "title": (("property", "og:title"), "//title/text()", "//h1//text()"),
    # //*[@rel='author']//text() and //time[@datetime]/@datetime, written to step from the
    # attribute to its element, which libxml2 runs faster than testing every element.
    "author": (("name", "author"), ("property", "article:author"), "//@rel[.='author']/..//text()"),
    "published": (("property", "article:published_time"), ("itemprop", "datePublished"),
                  "//time/@datetime", ("name", "date")),
}
_META_PAIRS = tuple(s for sources in _META_SOURCES.values() for s in sources if isinstance(s, tuple))
_META_FALLBACKS = {s: lxml.etree.XPath(s) for sources in _META_SOURCES.values()
                   for s in sources if isinstance(s, str)}


# The nearest non-empty paragraph-like element before / after an element, embed markers excluded.
_BLOCK = "(self::p or self::h2 or self::h3 or self::h4 or self::li)"
_NOT_MARKER = "not(starts-with(normalize-space(), 'PLEMBED'))"
_PREVIOUS_BLOCK = lxml.etree.XPath(f"preceding::*[{_BLOCK}][normalize-space()][{_NOT_MARKER}][1]")
_NEXT_BLOCK = lxml.etree.XPath(f"following::*[{_BLOCK}][normalize-space()][{_NOT_MARKER}][1]")
_PROBE = 40  # characters of a neighbour's text looked up in the body text


def _nearby_position(marker: lxml.html.HtmlElement, builder: _BodyBuilder) -> int | None:
    """Where an embed sat when the extractor dropped its marker with the container around it:
    the end of the body paragraph holding the text just before it in the page, else the start
    of the one holding the text just after it. None when neither is in the body."""
    for xpath, from_end in ((_PREVIOUS_BLOCK, True), (_NEXT_BLOCK, False)):
        for neighbour in xpath(marker):
            words = " ".join(neighbour.text_content().split())
            probe = words[-_PROBE:] if from_end else words[:_PROBE]
            at = builder.text.find(probe) if len(probe) >= 12 else -1
            if at < 0:
                continue
            for start, end in builder.paragraphs:
                if start <= at < end:
                    return end if from_end else start
    return None


def _metadata(tree: lxml.html.HtmlElement) -> dict[str, str | None]:
    """Title, byline and publication date from the first meta tag or element that has one."""
    # One pass over the <meta> tags answers every (attribute, value) source, in document order;
    # filtering them in Python costs less than an XPath per source or a predicate per tag.
    contents: dict[tuple[str, str], list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is not None:
            for attr, wanted in _META_PAIRS:
                if meta.get(attr) == wanted:
                    contents.setdefault((attr, wanted), []).append(content)
    out: dict[str, str | None] = {}
    for name, sources in _META_SOURCES.items():
        out[name] = None
        for source in sources:
            found = _META_FALLBACKS[source](tree) if isinstance(source, str) else contents.get(source, [])
            value = next((v for v in (" ".join(str(v).split()) for v in found) if v), None)  # type: ignore[union-attr]
            if value:
                out[name] = value
                break
    return out


def _fallback_body(tree: lxml.html.HtmlElement) -> lxml.etree._Element:
    """Every <p> of the page, shaped like trafilatura's body element.

    Reads the tree we already parsed (trafilatura works on its own copy, so ours still has every
    paragraph and the embed markers): the page is parsed once. Control characters are dropped,
    so a page with stray bytes still gives its text.
    """
    main = lxml.etree.Element("body")
    for p in tree.xpath(_FALLBACK_PARAGRAPHS):
        text = _XML_INVALID.sub("", " ".join(p.text_content().split()))
        if text:
            lxml.etree.SubElement(main, "p").text = text
    return main


# A dropped paragraph is article prose (not a teaser line) from this length on.
_MISSED_PARAGRAPH_CHARS = 40
# Page elements a dropped paragraph may be; a table cell is left to the extractor.
_MISSED_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
# A paragraph inside these is a caption or page furniture, not prose.
_NOT_PROSE = frozenset({"figure", "figcaption", "script", "style", "noscript", "template",
                        *REGION_CHROME_TAGS})


def _add_missed_paragraphs(region: BodyRegion, body: lxml.etree._Element) -> None:
    """Put back the body paragraphs trafilatura left out inside the body region.

    A paragraph comes back when it sits in the region's containers (region.py: the body's
    lowest common ancestor, or each chunk of an article cut into several containers with ads
    between them), is of the same kind (tag and class) as a paragraph the extractor kept,
    holds prose (40 characters, scripts not counted) and is not named like page furniture.
    It goes after the extracted paragraph before it on the page (or first), embed markers
    included, so the body keeps the page's order.
    """
    extracted: dict[str, lxml.etree._Element] = {}  # paragraph key -> its top-level element
    for top in body:
        for el in top.iter("p", "head", "item", "quote"):
            extracted.setdefault(paragraph_key(" ".join(el.itertext())), top)
    extracted.pop("", None)
    kinds = {(el.tag, el.get("class")) for el in region.kept}
    anchor: lxml.etree._Element | None = None  # the body element the next addition follows
    taken: set[lxml.html.HtmlElement] = set()  # kept or put back: their insides are done
    for container in region.containers:
        for el in container.iter(*_MISSED_TAGS):
            if not taken.isdisjoint(el.iterancestors()):
                continue
            text = " ".join(el.text_content().split())
            key = paragraph_key(text)
            if key in extracted:
                anchor = extracted[key]
                taken.add(el)
                continue
            marker = _MARKER_RE.match(text) is not None
            if not marker and ((el.tag, el.get("class")) not in kinds or _furniture(el, container)):
                continue
            added = _as_body_paragraph(el)
            if not marker and len(" ".join("".join(added.itertext()).split())) < _MISSED_PARAGRAPH_CHARS:
                continue
            taken.add(el)
            if anchor is None:
                body.insert(0, added)
            else:
                anchor.addnext(added)
            anchor = added


# Class or id words of page furniture that can sit among the article's paragraphs.
_BOILERPLATE = re.compile(
    r"adblock|advert|\bads?\b|promo|newsletter|subscri|paywall|related|recommend|cookie|consent|"
    r"comment|footer|sidebar|share|caption", re.I)


def _furniture(el: lxml.html.HtmlElement, container: lxml.html.HtmlElement) -> bool:
    """A caption, an ad or a teaser: by tag, or by the class words of the element or of its
    ancestors inside the container (the tie-breaker among paragraphs of one kind)."""
    for node in (el, *el.iterancestors()):
        if node is container:
            return False
        if node.tag in _NOT_PROSE or _BOILERPLATE.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


def _as_body_paragraph(p: lxml.html.HtmlElement) -> lxml.etree._Element:
    """A page <p> shaped like trafilatura's: its text, with each link as a <ref>."""
    out = lxml.etree.Element("p")
    out.text = ""
    last: lxml.etree._Element | None = None

    def add(text: str | None) -> None:
        if not text:
            return
        text = _XML_INVALID.sub("", text)
        if last is None:
            out.text = (out.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    def walk(el: lxml.html.HtmlElement) -> None:
        nonlocal last
        for child in el:
            if not isinstance(child.tag, str) or child.tag in ("script", "style"):
                add(child.tail)
                continue
            if child.tag == "a" and child.get("href"):
                last = lxml.etree.SubElement(out, "ref", target=child.get("href"))
                last.text = _XML_INVALID.sub("", child.text_content())
            else:
                add(child.text)
                walk(child)
            add(child.tail)

    add(p.text)
    walk(p)
    return out


# Anchor text holds no bracket and the target no parenthesis or space, so a run of unclosed
# brackets is tried once per bracket up to the next one, not to the end of the paragraph.
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^\s()]+)\)")
_MD_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[*+-]\s+|\d+\.\s+)", re.M)


class _BodyBuilder:
    """Accumulates body text, paragraph spans, links and embed marker positions."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.text = ""
        self.paragraphs: list[tuple[int, int]] = []
        self.links: list[Link] = []
        self.markers: dict[int, int] = {}
        self._para_start: int | None = None
        self._before_open = 0

    # -- plain text -------------------------------------------------------------------------
    def add_text_paragraph(self, para: str, *, markdown: bool) -> None:
        self._open()
        if markdown:
            para = _MD_PREFIX.sub("", para)
            pos = 0
            for m in _MD_LINK.finditer(para):
                self._append(para[pos:m.start()])
                self._link(m.group(2), m.group(1))
                pos = m.end()
            para = para[pos:]
        start = len(self.text) + (1 if self.text and not self.text.endswith((" ", "\n")) else 0)
        self._append(para)
        for url, s, e in find_text_urls(" ".join(para.split())):
            self._add_link(url, start + s, start + e)
        self._close()

    # -- trafilatura tree -------------------------------------------------------------------
    def feed_tree(self, root: lxml.etree._Element) -> None:
        """Walk trafilatura's body element (p, head, list/item, quote, ref, lb, ...)."""
        self._walk(root)
        self._close()

    def _walk(self, el: lxml.etree._Element) -> None:
        block = el.tag in _BLOCKS
        if block:
            self._close()
            marker = _MARKER_RE.match((el.text or "").strip())
            if marker and not len(el):
                self.markers[int(marker.group(1))] = len(self.text)
                return
            self._open()
        if el.tag == "lb":
            self._append("\n")
        elif el.tag == "ref":
            self._link(el.get("target", ""), "".join(el.itertext()))
            return
        self._append(el.text)
        for child in el:
            self._walk(child)
            self._append(child.tail)
        if block:
            self._close()

    # -- shared -----------------------------------------------------------------------------
    def _open(self) -> None:
        if self._para_start is None:
            self.text = self.text.rstrip(" ")
            self._before_open = len(self.text)
            if self.text:
                self._extend("\n\n")
            self._para_start = len(self.text)

    def _close(self) -> None:
        if self._para_start is None:
            return
        self.text = self.text.rstrip(" \n")
        if len(self.text) > self._para_start:
            self.paragraphs.append((self._para_start, len(self.text)))
        else:  # nothing was written: take the separator back
            self.text = self.text[: self._before_open]
        self._para_start = None

    def _append(self, piece: str | None) -> None:
        if not piece:
            return
        if self._para_start is None:
            if not piece.strip():
                return
            self._open()
        lines = piece.split("\n")
        collapsed = "\n".join(" ".join(line.split()) for line in lines)
        if piece[:1].isspace() and collapsed[:1] != "\n":
            collapsed = " " + collapsed
        if piece[-1:].isspace() and collapsed[-1:] != "\n":
            collapsed += " "
        if self.text.endswith((" ", "\n")) or len(self.text) == self._para_start:
            collapsed = collapsed.lstrip(" ")
        self._extend(collapsed)

    def _extend(self, piece: str) -> None:
        # CPython grows a str in place under += only when nothing else refers to it; on an
        # attribute, += copies the whole body text each time (quadratic in the paragraphs).
        text, self.text = self.text, ""
        text += piece
        self.text = text

    def _link(self, href: str, anchor: str) -> None:
        anchor = " ".join(anchor.split())
        if self._para_start is None:
            self._open()
        para_start = self._para_start or 0
        if anchor and not self.text.endswith((" ", "\n")) and len(self.text) > para_start \
                and self.text[-1].isalnum():
            self._extend(" ")
        start = len(self.text)
        self._extend(anchor)
        self._add_link(href, start, len(self.text))

    def _add_link(self, href: str, start: int, end: int) -> None:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            return
        absolute = urljoin(self.base_url, href) if self.base_url else href
        self.links.append(Link(href, canonical_url(absolute), self.text[start:end], start, end))


def post_links(links: Iterable[Link]) -> list[PostLink]:
    """Body links that point at a single post, each href once, in order.

    Profiles, hashtags, searches and share intents are not single-post URLs, so
    ``parse_post_url`` refuses them.
    """
    out: list[PostLink] = []
    seen: set[str] = set()
    for link in links:
        ref = parse_post_url(link.url)
        if ref is not None and link.href not in seen:
            seen.add(link.href)
            out.append(PostLink(ref.key, ref.platform, link.href, link.url, link.text,
                                link.start, link.end))
    return out


def _post_links_with_offsets(raw: Iterable[RawPostLink], body_links: Iterable[Link]) -> tuple[PostLink, ...]:
    """Post links from the raw DOM, with body-text offsets where the main text kept the link."""
    in_body: dict[str, list[Link]] = {}
    for link in body_links:
        in_body.setdefault(link.href.strip(), []).append(link)
    out = []
    for r in raw:
        hits = in_body.get(r.href)
        first = hits[0] if hits else None
        out.append(PostLink(
            r.ref.key, r.ref.platform, r.href, canonical_url(r.absolute), r.text,
            first.start if first else None, first.end if first else None, r.in_region,
        ))
    return tuple(out)
