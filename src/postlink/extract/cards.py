"""Link cards hidden inside paragraphs: hover cards and related-story boxes, not prose.

Some sites put a whole card inside a sentence: a name is a link, and right after it, inside
the same paragraph, an inline box with the person's photo and links to other stories about
them, shown only on hover. A text extractor reads the box as part of the sentence, so the
other stories' headlines become prose ("... backed by Councillor Mara Lind Ferry fares rise
again ... Lind asks for a review of the ferry plan ..."): a quote match for a post that the
sentence never quotes.

The shape, not a class name, tells such a box: an inline container inside a paragraph that
holds an image and at least ``CARD_LINKS`` links whose text is at least ``CARD_LINK_SHARE``
of its own. The innermost such container is dropped (its tail, the sentence going on, is
kept), so the visible link before it ("Mara Lind") stays.
"""

from __future__ import annotations

import lxml.html

CARD_LINKS = 3
CARD_LINK_SHARE = 0.7
_CONTAINERS = frozenset({"span", "div"})


def drop_link_cards(tree: lxml.html.HtmlElement) -> int:
    """Remove the link cards inside the paragraphs of ``tree``; returns how many."""
    # a card holds an image: only the paragraphs above an image are read (most hold none)
    paragraphs = dict.fromkeys(next(img.iterancestors("p"), None) for img in tree.iter("img"))
    cards = [card for p in paragraphs if p is not None for card in _cards_in(p)]
    for card in cards:
        if card.getparent() is not None:
            card.drop_tree()
    return len(cards)


def _cards_in(p: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The innermost link cards below ``p``, found in one bottom-up pass (linear in the
    paragraph's elements, however deep they nest)."""
    # per element: (links, has an image, characters of link text, characters of text, holds a card)
    seen: dict[lxml.html.HtmlElement, tuple[int, bool, int, int, bool]] = {}
    cards = []
    for el in reversed(list(p.iter())):
        if not isinstance(el.tag, str):  # comments, processing instructions
            continue
        links, image, link_chars, chars, holds = 0, el.tag == "img", 0, len((el.text or "").strip()), False
        for child in el:
            if child in seen:
                c_links, c_image, c_link_chars, c_chars, c_holds = seen.pop(child)
                links, image, holds = links + c_links, image or c_image, holds or c_holds
                link_chars, chars = link_chars + c_link_chars, chars + c_chars
            chars += len((child.tail or "").strip())
        if el.tag == "a":
            links, link_chars = links + 1, chars
        if (not holds and el is not p and el.tag in _CONTAINERS and image
                and links >= CARD_LINKS and link_chars >= CARD_LINK_SHARE * max(chars, 1)):
            cards.append(el)
            holds = True
        seen[el] = (links, image, link_chars, chars, holds)
    return cards
