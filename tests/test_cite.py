"""Unit tests for cite/'s deterministic layer: quotes, normalisation offsets, and the evidence
rules (through ``rule_citations``, the evidence before the learned scorer weighs it; the
scorer itself is tested in test_scorer.py and measured by test_cite_eval.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postlink.cite.attribution import _handle_mentions, _same_word, author_names, evidence, read
from postlink.cite.compare import count_words, match_drifted, match_quote, post_words, split_words
from postlink.cite.index import PostIndex
from postlink.cite.match import PostText, rule_citations
from postlink.cite.normalize import normalize, word_text
from postlink.cite.quotes import find_quotes
from postlink.extract.document import extract_text


def quotes_in(text: str) -> list[str]:
    return [q.text for q in find_quotes(text, [(0, len(text))])]


# -- quotes --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ('She said "we won" today.', ["we won"]),
    ("She said “we won” today.", ["we won"]),
    ("She said 'we won today', then left.", ["we won today"]),
    ("She said ‘we won today’, then left.", ["we won today"]),
    ("Il a dit «nous avons gagné» hier.", ["nous avons gagné"]),
    ("Sie sagte „wir haben gewonnen“ gestern.", ["wir haben gewonnen"]),
    ("Ein Banner mit »Open our road« hing dort.", ["Open our road"]),
    ("Raman's promise to put '£40m into routes' was uncosted.", ["£40m into routes"]),
    ("The tenants' lawyer said nothing.", []),
    ("Don't say it's over.", []),
])
def test_quote_styles(text: str, expected: list[str]) -> None:
    assert quotes_in(text) == expected


def test_nested_quotes_come_out_inside_the_outer_quote() -> None:
    text = "«We read the post, ‹Safety comes before speed›, and agree», said the mayor."
    [outer] = find_quotes(text, [(0, len(text))])
    assert outer.text.startswith("We read the post")
    assert [q.text for q in outer.inner] == ["Safety comes before speed"]


def test_quote_across_a_sentence_boundary_is_one_quote() -> None:
    text = 'She wrote: "The lake doubled. It is eating the ice." Then she left.'
    assert quotes_in(text) == ["The lake doubled. It is eating the ice."]


def test_unclosed_quote_does_not_leak_into_the_next_paragraph() -> None:
    text = '"First paragraph keeps going\n\nSecond has "a quote" here.'
    paragraphs = [(0, 28), (30, len(text))]
    assert [q.text for q in find_quotes(text, paragraphs)] == ["a quote"]


# -- normalisation ---------------------------------------------------------------------------
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_normalised_spans_slice_back_to_the_original(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text) + 1
    for start in range(len(norm.text)):
        a, b = norm.span(start, start + 1)
        assert 0 <= a < b <= len(text)
        # the original slice normalises to something containing the normalised char
        assert norm.text[start] in normalize(text[a:b]).text or norm.text[start] == " "


def test_normalisation_unifies_quotes_dashes_and_links() -> None:
    norm = normalize("“Don’t” — see https://t.co/x & pic.twitter.com/abc")
    assert norm.text == "'don't' - see and"


@given(st.lists(st.sampled_from([chr(c) for c in range(128)] + ["é", "&", "www.x.org", "https://t.co/a"]),
                max_size=30).map("".join))
def test_word_text_has_the_words_of_the_normalised_text(text: str) -> None:
    assert re.findall(r"\w+", word_text(text)) == re.findall(r"\w+", normalize(text).text)


@pytest.mark.parametrize("link", ["HTTPS://T.CO/x", "Www.Harbour.example/rates", "Pic.Twitter.com/abc"])
def test_links_in_any_case_are_dropped(link: str) -> None:
    assert normalize(f"See {link} now").text == "see now"


# -- compare: the quote kinds ------------------------------------------------------------------
POST = "The bridge will close for three weeks from Monday so crews can replace the deck joints. Buses will divert."


@pytest.mark.parametrize("quote, kind", [
    ("The bridge will close for three weeks from Monday so crews can replace the deck joints", "verbatim"),
    ("buses will divert", "verbatim"),
    ("close for three weeks", "partial"),
    ("close for 3 weeks from Monday so crews can replace the joints", "altered"),
    ("crews can replace the [bridge's] deck joints", "altered"),
    ("The bridge will close … so crews can replace the deck joints", "altered"),
])
def test_quote_kinds(quote: str, kind: str) -> None:
    m = match_quote(quote, post_words(POST))
    assert m is not None and m.kind == kind
    assert 0 <= m.score <= 1


@pytest.mark.parametrize(("post", "quote", "kind"), [
    # a stop inside brackets with the sentence going on after a comma ends nothing
    ("Who needs a pier anyway (we all do!), but the council should pay for it.",
     "Who needs a pier anyway (we all do!)", "partial"),
    ("Who needs a pier anyway (we all do!). The council should pay for it.",
     "Who needs a pier anyway (we all do!)", "verbatim"),
])
def test_a_whole_sentence_of_the_post_ends_at_a_stop_with_no_comma_after(post: str, quote: str,
                                                                        kind: str) -> None:
    m = match_quote(quote, post_words(post))
    assert m is not None and m.kind == kind


def test_altered_quote_has_a_readable_diff() -> None:
    m = match_quote("close for 3 weeks from Monday so crews can replace the joints", post_words(POST))
    assert m is not None
    assert m.diff == "close for [-three-] {+3+} weeks from Monday so crews can replace the [-deck-] joints"


@pytest.mark.parametrize("post, quote", [
    # the quote's first words stand earlier in the post too; aligned there, the post's span
    # runs over a sentence the quote skips, too long a gap to be a quote of it at all
    ("Sharing the letter I sent the council today.\n\n"
     "We must apply some care to how this town punishes people.\n\n"
     "Who are we as a town if we answer threats with more threats of our own?",
     "But we must ask: who are we as a town if we answer threats with more threats of our own?"),
    # a gap short enough to pass, but the quote is more like the last sentence alone
    ("Sharing the letter I wrote today.\n\nWe must hold the line on fares.\n\n"
     "Who pays when the last ferry of the night is cancelled without any warning to the people "
     "waiting on the pier?",
     "But we must ask: who pays when the last ferry of the night is cancelled without any "
     "warning to the people waiting on the pier?"),
])
def test_a_quote_s_lead_in_words_found_elsewhere_in_the_post_stay_added(post: str,
                                                                         quote: str) -> None:
    m = match_quote(quote, post_words(post))
    assert m is not None and m.kind == "altered"
    assert m.diff.startswith("{+But we must ask+} Who"), m.diff


def test_quoted_words_may_drift_from_the_post_s_by_a_letter() -> None:
    # more changed words than an altered quote allows, or none of the post's words as
    # written: only read as drifted spellings do these quotes match
    post = post_words("Blah, blah, blah. We honour every crew who kept the boats running.")
    for quote, diff in [("bla, bla, bla", "[-Blah blah blah-] {+bla bla bla+}"),
                        ("We honor evry crew", "We [-honour every-] {+honor evry+} crew")]:
        words, ellipses = split_words(quote)
        assert match_quote(quote, post) is None
        m = match_drifted(words, ellipses, post)
        assert m is not None and (m.kind, m.diff) == ("altered", diff)


@pytest.mark.parametrize("quote", [
    "then they kept the boats",  # function words do not drift: "then" is not "the"
    "boats ran 7 days",  # nor numbers, and "ran" is two edits from "running"
    "every brew who kept",  # a word with another first letter is another word
])
def test_what_does_not_drift(quote: str) -> None:
    post = post_words("We honour every crew who kept the boats running 8 days.")
    words, ellipses = split_words(quote)
    m = match_drifted(words, ellipses, post)
    assert m is None or not any(w in (m.diff or "") for w in ("{+then", "{+7", "{+brew", "{+ran"))


def test_a_drifted_quote_needs_a_sign_it_is_the_post_s() -> None:
    text = ("Ferry news\n\n"
            "Huge thanks to every crew who kept the boats running. — Harbour Ferry (@HarbourFerryEx) May 2, 2024\n\n"
            "The operator thanked \u201cevry crew who kep the boats\u201d in its post.\n\n"
            "Later that week, far from the ferry, a mayor spoke.\n\n"
            "Another paragraph about the harbour budget and its plans.\n\n"
            "And one more about the weather on the coast this spring.\n\n"
            "A rider had \u201cevry crew, kep boats\u201d in mind.")
    assert _cited_pairs(text) == [(1, "altered", "evry crew who kep the boats")]


@given(st.lists(st.sampled_from(list("ab c_'[].…’午ア") + ["[sic]", "don't", "..."]), max_size=30).map("".join))
def test_count_words_counts_the_words_split_words_does_not_mark_editorial(text: str) -> None:
    assert count_words(text) == sum(1 for w in split_words(text)[0] if not w.editorial)


def test_different_words_do_not_match() -> None:
    assert match_quote("needs a mayor who will fix the roads, not lecture drivers",
                       post_words("Northgate needs a mayor who will fix the buses before building another car park")) is None


def test_quote_past_a_truncated_post_is_flagged() -> None:
    post = post_words("Please answer, we need to know who is staying…", truncated=True)
    m = match_quote("we need to know who is staying in their homes overnight", post)
    assert m is not None and m.beyond_truncation and m.kind == "partial"


def test_short_quote_needs_permission() -> None:
    post = post_words("We know this is hard news.")
    assert match_quote("hard news", post) is None
    assert match_quote("hard news", post, allow_short=True) is not None


# -- link_citations on whole articles ---------------------------------------------------------
ARTICLE = """Bridge to close

"The bridge will close for three weeks from Monday so crews can replace the deck joints," councillor Mara Ellison wrote on X.

The bridge will close for three weeks from Monday so crews can replace the deck joints. I know this is a pain. — Mara Ellison (@MaraEllison) May 2, 2024

Ellison added in the same post that the closure was "a pain".

Shopkeeper Dev Patel told the Herald the closure was "a disaster for the high street" and "a pain".

Ellison's post drew 400 replies.

Critics say the works will "replace the deck joints" too slowly, the Herald reported.
"""


def _cite(text: str) -> tuple[list[tuple[int, str]], list[str], object]:
    doc = extract_text(text)
    posts = [PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated,
                      positions=(e.position,) if e.position is not None else ())
             for e in doc.embeds]
    result = rule_citations(doc, posts)
    return [(c.sentence_index, c.kind) for c in result.citations], [s.text for s in doc.sentences], result


def test_each_sentence_gets_its_kind_and_negatives_stay_unlinked() -> None:
    pairs, sentences, result = _cite(ARTICLE)
    kinds = {sentences[i][:25]: kind for i, kind in pairs}
    assert kinds == {
        '"The bridge will close fo': "verbatim",
        "Ellison added in the same": "partial",
        "Ellison's post drew 400 r": "attribution",
    }
    unmatched = [u.quote for u in result.unmatched_quotes]
    assert "a disaster for the high street" in unmatched


def test_embedded_post_text_never_cites_itself() -> None:
    _, sentences, _ = _cite(ARTICLE)
    assert not any(s.startswith("The bridge will close for three weeks") for s in sentences)


def test_two_posts_quoted_in_one_sentence_give_two_citations() -> None:
    text = """Votes counted

Both messages were warm: Okafor thanked "every volunteer who knocked on doors" and Lindqvist promised to fight "in or out of office".

Thank you to every volunteer who knocked on doors in the rain. — Tom Okafor (@TomOkafor) July 5, 2024

I will keep fighting for a new hospital, in or out of office. — Sigrid Lindqvist (@SigridL) July 5, 2024
"""
    pairs, _, result = _cite(text)
    assert pairs == [(1, "partial"), (1, "partial")]  # sentence 0 is the headline
    assert len({c.post_key for c in result.citations}) == 2


TERM_ARTICLE = """Ferry jokes

Riders kept the Harbour Ferry jokes coming all day, taking {quoted} to the top of the trends.

Harbour Ferry. Now there's a name for a boat that never sails. — Ines Moreau (@InesMoreau) June 3, 2024
"""


def test_a_short_quote_the_sentence_also_writes_unquoted_is_a_term_not_a_quote() -> None:
    # the same two words quoted, with and without the article using them as its own term
    as_term, _, result = _cite(TERM_ARTICLE.format(quoted="“Harbour Ferry”"))
    assert as_term == [] and not result.unmatched_quotes
    alone = TERM_ARTICLE.replace("the Harbour Ferry jokes", "the jokes")
    pairs, _, _ = _cite(alone.format(quoted="“Harbour Ferry”"))
    assert pairs == [(1, "verbatim")]  # sentence 0 is the headline


def test_paraphrase_near_the_named_author() -> None:
    text = """Rest centre opens

Kirkby Vale Council opened a rest centre at St Aidan's school hall and asked evacuees to bring medication, phone chargers and pet food.

Rest centre now open at St Aidan's school hall. Bring medication, phone chargers and pet food if you can. — Kirkby Vale Council (@KirkbyValeCncl) November 8, 2024
"""
    pairs, _, _ = _cite(text)
    assert pairs == [(1, "paraphrase")]  # sentence 0 is the headline


def test_link_to_a_post() -> None:
    text = "Band plays free show\n\nThe band [announced a free show](https://x.com/band/status/123) in Harwick.\n"
    doc = extract_text(text, markdown=True)
    result = rule_citations(doc, [PostText("x:123", "", "band")])
    assert [(c.kind, c.post_key) for c in result.citations] == [("link", "x:123")]


def test_heading_and_credit_lines_do_not_cite_without_quoting() -> None:
    text = """Storm news

Five branches stay open

Photo credits: Millbrook Libraries via X.

The change keeps all five branches open. — Millbrook Libraries (@MillbrookLib) May 20, 2024
"""
    pairs, _, _ = _cite(text)
    assert pairs == []


def test_evidence_names_and_other_sources() -> None:
    names = author_names("JamalReidGreen", "Jamal Reid")
    told = evidence("Reid told the Greywater Gazette that the Greens were here to stay.", names)
    assert told.mention == 2 and told.other_source and not told.near_cue
    wrote = evidence("Reid's post drew 400 replies.", names)
    assert wrote.near_cue and not wrote.other_source


@pytest.mark.parametrize(("name", "sentence", "mention"), [
    ("Hamish Orr MSP", "Orr's post was shared more than 2,000 times.", 2),  # the surname before the letters
    ("Ada Lund PhD", "Lund wrote that the trial would run for a year.", 2),
    ("NASA", "NASA posted the launch time.", 2),  # an acronym that is the whole name stays
])
def test_letters_after_a_name_are_not_its_surname(name: str, sentence: str, mention: int) -> None:
    assert evidence(sentence, author_names(None, name)).mention == mention


def test_index_finds_candidates_without_comparing_everything() -> None:
    index = PostIndex()
    index.add("x:1", "We won. 112 families, 2 years, 1 judgment.")
    index.add("x:2", "Rest centre now open at the school hall.")
    assert index.candidates('They wrote "112 families, 2 years"') == ["x:1"]
    assert index.candidates("nothing in common here at all") == []


@pytest.mark.parametrize(("sentence", "other"), [
    ("The club confirmed the news in a short statement on X.", False),  # published on a platform
    ("In a statement posted on Instagram, the club thanked him.", False),
    ("Die Stadtwerke kündigten in einer Erklärung auf X an, dass die Bahn fährt.", False),
    ("The club said in a statement that the manager had left.", True),
    ("In her judgment, Judge Carrow wrote that the club had known.", True),  # "wrote" is no posting
])
def test_a_statement_published_on_a_platform_is_a_post(sentence: str, other: bool) -> None:
    assert evidence(read(sentence), author_names("TarnbyRovers", "Tarnby Rovers FC")).other_source is other


def test_according_to_a_post_is_not_another_source() -> None:
    names = author_names("PortCityReads", "Port City Libraries")
    ev = evidence("According to the board's post, \"Quiet rooms can be booked online.\"", names)
    assert not ev.other_source


@pytest.mark.parametrize(("sentence", "language", "other"), [
    # "according to" and its kin credit whom they name: the author, a pronoun, a post ...
    ("Selon lui, les quais resteront fermés jusqu'à lundi.", "fr", False),
    ("Według niej lekarze zakazali jej śpiewania.", "pl", False),
    ("Ifølge Vega er fergen i rute igjen.", "no", False),
    ("Vega zufolge fahren die Fähren wieder.", "de", False),
    ("Ihr zufolge fahren die Fähren wieder.", "de", False),
    ("Selon son message, les quais resteront fermés.", "fr", False),
    ("По словам Мары Веги, паром вернется в понедельник.", "ru", False),
    ("По её словам, паром вернется в понедельник.", "ru", False),
    ("По словам мэра, паром вернется в понедельник.", "ru", True),
    # ... or another source
    ("Selon la préfecture, les quais resteront fermés jusqu'à lundi.", "fr", True),
    ("Według rzecznika lekarze zakazali jej śpiewania.", "pl", True),
    ("Dem Bericht zufolge fahren die Fähren wieder.", "de", True),
    # the name before a preposition is not what it credits
    ("Vega, selon la préfecture, a fermé les quais.", "fr", True),
])
def test_according_to_the_author_is_not_another_source(sentence: str, language: str, other: bool) -> None:
    assert evidence(read(sentence, language), author_names("maravega", "Mara Vega")).other_source is other


@pytest.mark.parametrize(("sentence", "cue"), [
    # platforms of several words, and a Hungarian case the tokenizer splits ("X-en": "on X")
    ("Mara Vega took to social media to thank the crews.", True),
    ("Mara Vega azt írta az X-en, hogy a komp hétfőn újra jár.", True),
    ("Mara Vega a YouTube-on mutatta meg a kompot.", True),
    # a platform with no preposition is a company or a crowd, not where a post went
    ("Social media erupted after the vote on the ferries.", False),
    # posting and post words that are phrases, with no cue word of their own
    ("वेगा ने फेरी का वीडियो साझा किया।", True),
    ("Mara Vega podał dalej komunikat przewoźnika.", True),
    ("Her status update said the ferry runs again from Monday.", True),
    # Japanese news: "updated her Instagram" is a post; a record "updated" is not
    ("佐伯は試合後、自身のインスタグラムを更新した。", True),
    ("佐伯は試合で日本記録を更新した。", False),
])
def test_phrases_of_platforms_and_posts_are_post_cues(sentence: str, cue: bool) -> None:
    assert bool(read(sentence).cues) is cue


@pytest.mark.parametrize(("sentence", "other"), [
    # phrases of the lexicon, which no single word of theirs gives away
    ("Le porte-parole de Mara Vega a annoncé la reprise des traversées lundi.", True),
    ("Пресс-секретарь Mara Vega объявил, что паром вернется в понедельник.", True),
    ("Die Reederei teilte in einer Pressemitteilung mit, die Fähren führen wieder.", True),
    # the article's own paper as the one spoken to
    ("Vega explicó a este diario que el ferry volverá el lunes.", True),
    ("Vega sagte dieser Zeitung, die Fähre fahre ab Montag wieder.", True),
    # the same words apart are no phrase
    ("Mara Vega wrote to the ferry board; the press was not there.", False),
])
def test_other_source_phrases(sentence: str, other: bool) -> None:
    assert evidence(sentence, author_names("maravega", "Mara Vega")).other_source is other


# -- attribution rules: lead-ins, continuations, sections, cues ---------------------------------
def _cite_blank(text: str) -> list[tuple[str, str]]:
    """Cite with every embed's text blanked (a text-less embed: an image, an empty iframe)."""
    doc = extract_text(text)
    posts = [PostText(e.key, "", None, None, positions=(e.position,)) for e in doc.embeds]
    result = rule_citations(doc, posts)
    return [(doc.sentences[c.sentence_index].text[:20], c.kind) for c in result.citations]


def test_quote_right_before_a_textless_embed_is_attributed_and_continued() -> None:
    text = """Harbour fire

The fire started after midnight.

Nadia Osei posted a photo of the burnt pier on Friday. She writes, "We lost the boat shed but nobody was hurt."

We lost the boat shed but nobody was hurt. — Nadia Osei (@NadiaOsei) May 3, 2024

Crews stayed on site until dawn.
"""
    assert _cite_blank(text) == [("Nadia Osei posted a ", "attribution"),
                                 ('She writes, "We lost', "attribution")]


def test_it_says_continues_a_linked_post() -> None:
    text = ("Pier repairs\n\nThe harbour board [posted an update](https://x.com/hboard/status/77) on "
            "Friday.\n\n\"Repairs will take six weeks,\" it says.\n\nThe pier will stay shut.\n")
    doc = extract_text(text, markdown=True)
    result = rule_citations(doc, [PostText("x:77", "", "hboard")])
    assert [(c.sentence_index, c.kind) for c in result.citations] == [(1, "link"), (2, "attribution")]  # 0: headline


def test_pronoun_speech_tag_reaches_back_to_the_named_author() -> None:
    text = """Ferry delays

Skipper Lena Brandt apologised on Sunday. "We should have warned you sooner," she wrote.

We should have warned you sooner. Sorry to everyone stuck at the quay. — Lena Brandt (@LenaBrandt) June 2, 2024
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:14], k) for i, k in pairs] == [
        ("Skipper Lena B", "attribution"), ('"We should hav', "verbatim")]


def test_definite_post_in_the_lead_up_to_its_embed() -> None:
    text = """Best posts of the year

1. Jonas Keller

Jonas Keller works on the railways.

Sein bester Tweet des Jahres kam im Mai. Er postete ein Foto vom leeren Bahnsteig.

Kein Zug, kein Personal, keine Ansage. — Jonas Keller (@JKeller) May 4, 2024
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:12], k) for i, k in pairs] == [
        ("Sein bester ", "attribution"), ("Er postete e", "attribution")]


def test_mention_right_before_the_embed_and_according_to_the_author() -> None:
    names = author_names("RuthAmos", None)
    assert not evidence("According to Ruth Amos, the gates stay shut.", names).other_source
    assert evidence("According to the council, the gates stay shut.", names).other_source
    text = """Gates shut

According to Ruth Amos, the site needs repairs before it reopens.

Gates stay shut all week, sorry. — Ruth Amos (@RuthAmos) May 4, 2024
"""
    pairs, _, _ = _cite(text)
    assert pairs == [(1, "attribution")]  # sentence 0 is the headline


def test_following_an_account_and_blog_posts_are_not_post_cues() -> None:
    names = author_names("TijaKorr", "Tija Korr")
    assert not evidence("Whoever follows Tija Korr on Twitter knows she reads a lot.", names).cue
    assert evidence("Tija Korr wrote on Twitter that she reads a lot.", names).near_cue
    assert not evidence("Share the blog post with them.", names).definite
    assert evidence("Share the post with them.", names).definite


def test_quoted_words_and_other_embeds_stop_a_continuation() -> None:
    text = """Two posts

Mira Patel posted her verdict on Monday. She wrote that the plan "works for nobody".

The plan works for nobody, and the council knows it. — Mira Patel (@MiraPatel) May 6, 2024

Council leader Joe Lamb posted a reply. He wrote: "The plan works for the whole town."

The plan works for the whole town. — Joe Lamb (@JoeLamb) May 6, 2024
"""
    pairs, sentences, result = _cite(text)
    by_post = {(sentences[c.sentence_index][:12], c.post_key.split("/")[0]) for c in result.citations}
    assert ("Council lead", "x:@mirapatel") not in by_post
    assert ("Council lead", "x:@joelamb") in by_post
    assert ("Mira Patel p", "x:@mirapatel") in by_post


# -- "told" and quote order ----------------------------------------------------------------
def _cited_pairs(text: str) -> list[tuple[int, str, str]]:
    doc = extract_text(text)
    posts = [PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated,
                      positions=(e.position,)) for e in doc.embeds]
    return [(c.sentence_index, c.kind, c.quote) for c in rule_citations(doc, posts).citations]


def test_told_an_audience_is_not_another_source() -> None:
    text = ("Rain is on its way.\n\n"
            "Stay off the coast road tonight and charge your phones before dark. — Shire Roads (@ShireRoads) May 2, 2024\n\n"
            "The agency told drivers to \"stay off the coast road tonight\" until the storm passes.")
    assert _cited_pairs(text) == [(1, "partial", "stay off the coast road tonight")]


def test_told_a_newspaper_is_another_source() -> None:
    text = ("Rain is on its way.\n\n"
            "Stay off the coast road tonight and charge your phones before dark. — Shire Roads (@ShireRoads) May 2, 2024\n\n"
            "A farmer told the Gazette the storm would \"stay off the coast road tonight\" for sure.")
    assert _cited_pairs(text) == []


def test_a_longer_quote_lets_a_shorter_one_of_the_same_post_count() -> None:
    text = ("Rain is on its way.\n\n"
            "Move valuables upstairs tonight. The river will peak near 7.2 metres at Millbrook. — Valley Weather (@ValleyWx) May 2, 2024\n\n"
            "The office asked residents to \"move valuables upstairs tonight\" and said the river "
            "would peak \"near 7.2 metres at Millbrook.\"")
    [(index, kind, quote)] = _cited_pairs(text)
    assert (index, quote) == (1, "move valuables upstairs tonight | near 7.2 metres at Millbrook")
    assert kind in ("verbatim", "partial")


def test_a_quote_of_several_sentences_quotes_the_post_sentence_by_sentence() -> None:
    # The article quotes the post's first sentence, then renders the rest in its own words:
    # the whole quote is in no post, its first sentence is.
    text = ("Ferry news\n\n"
            "Boats sail again from Monday at six. Huge thanks to the crews who kept us going. — Harbour Ferry (@HarbourFerryEx) May 2, 2024\n\n"
            "The operator was relieved. \u201cBoats sail again from Monday at six. We owe it all to our crews!\u201d it wrote.")
    [(index, kind, quote)] = _cited_pairs(text)
    assert (index, kind, quote) == (2, "verbatim", "Boats sail again from Monday at six")


def test_a_quote_of_several_sentences_none_of_them_the_post_s_stays_unmatched() -> None:
    text = ("Ferry news\n\n"
            "Boats sail again from Monday at six. Huge thanks to the crews who kept us going. — Harbour Ferry (@HarbourFerryEx) May 2, 2024\n\n"
            "A rider was unimpressed. \u201cMonday is too late for us. The bridge is closed too.\u201d")
    assert _cited_pairs(text) == []


# -- shared sources, echoed quotes, named neighbours, strong and near-identical words --------
def test_a_source_a_post_shares_is_not_another_source() -> None:
    names = author_names("RuthAmos", "Ruth Amos")
    assert not evidence("Amos posted a link to an interview with the harbour master.", names).other_source
    assert not evidence("Amos retweeted an article by a boating magazine.", names).other_source
    assert evidence("In an interview, Amos said the gates stay shut.", names).other_source
    assert evidence("The statement reads that the gates stay shut.", names).other_source
    assert evidence("She spoke at a rally on the quay.", names).other_source


def test_a_quote_echoing_a_textless_posts_lead_in_cites_it_too() -> None:
    text = """Ferry row

A local councillor posted to X asking whether there were "any happy ferry users left?" this week.

Brun shared the timetable, asking, "Are there happy ferry users left?"

Are there happy ferry users left? — Ida Brun (@IdaBrun) May 3, 2024

The ferry runs twice a day.
"""
    assert _cite_blank(text) == [("A local councillor p", "attribution"),
                                 ("Brun shared the time", "attribution")]


def test_a_capitalised_first_word_names_the_same_person_as_the_next_sentence() -> None:
    from postlink.cite.context import _share_name
    assert _share_name("Okafor also shared a map of the closures.", "“Stay home,” Okafor wrote.")
    assert not _share_name("The map shows the closures.", "The closures end soon, Okafor wrote.")


def test_german_subject_pronoun_after_the_verb_continues() -> None:
    from postlink.cite.context import _starts_with_pronoun
    assert _starts_with_pronoun("Zudem teilte er einen Link.", "de")
    assert not _starts_with_pronoun("Zudem teilte die Stadt einen Link zu einem Plan.", "de")


@pytest.mark.parametrize(("sentence", "language", "mention"), [
    # a name declined by the page's language: an ending added, or put for its last vowel
    ("Wpis Kowalskiego wywołał burzę w sieci.", "pl", 2),
    ("Wpis Vegi wywołał burzę w sieci.", "pl", 2),
    ("Příspěvek Vegy vyvolal rozruch.", "cs", 2),
    ("Vegának a bejegyzése nagy vihart kavart.", "hu", 2),
    # not in a language without those endings, and not a word in lower case
    ("Vegi wrote nothing of the kind.", "en", 0),
    ("Wpis vegi wywołał burzę w sieci.", "pl", 0),
])
def test_declined_names_name_the_author(sentence: str, language: str, mention: int) -> None:
    names = author_names("jkowalski", "Jan Kowalski") if "owalsk" in sentence else author_names("maravega", "Mara Vega")
    assert evidence(read(sentence, language), names).mention == mention


def test_a_page_s_language_has_all_its_own_cue_words() -> None:
    """Words another language has as function words count where the page is known to be in
    the word's own language: Norwegian "hun" (she; Dutch "their"), "sa" (said), Italian
    "su" (on; Spanish "his"), and not on a page of unknown language."""
    from postlink.cite.attribution import pronoun_tag
    from postlink.cite.context import _starts_with_pronoun
    assert _starts_with_pronoun("Hun skrev at fergen går igjen.", "no")
    assert not _starts_with_pronoun("Hun skrev at fergen går igjen.", None)
    assert pronoun_tag(read("– Vi gir aldri opp, sa hun.", "no").words, "no")
    assert not pronoun_tag(read("– Vi gir aldri opp, sa hun.").words)
    assert read("Mara Vega ha parlato su X del traghetto che riparte.", "it").cues
    assert not read("Mara Vega ha parlato su X del traghetto che riparte.").cues
    assert read("Mara Vega sa at fergen går igjen.", "no").speech
    # Portuguese "no X" (em + o) is where a post went; English "no X" is not
    assert read("Mara Vega escreveu no X que a balsa volta na segunda.", "pt").cues
    assert not read("There is no X in the ferry timetable.", "en").cues


def test_plural_and_verb_s_meet_their_stem() -> None:
    from postlink.cite.paraphrase import stems
    assert stems("the eyes runs") == stems("the eye run")
    assert "30fps" in stems("locked at 30fps")  # words with digits keep their s


def test_stems_follow_the_page_language() -> None:
    """Each language's own inflections meet (a 5-letter cut alone keeps "running" and "runs",
    or Russian "дома" and "дом", apart); a language Snowball lacks keeps the cut."""
    from postlink.cite.paraphrase import stem
    assert stem("running", "en") == stem("runs", "en")
    assert stem("дома", "ru") == stem("дом", "ru") == stem("домом", "ru")
    assert stem("case", "it") == stem("casa", "it")
    assert stem("running", "ja") == "runni"


def test_shared_number_next_to_the_embed_is_a_paraphrase() -> None:
    text = """Rail works

Night trains will run again from 14 June on the 7b line, the operator said today.

Night services on line 7b return 14 June after the track renewal. — Valley Rail (@ValleyRail) May 2, 2024

Tickets go on sale next week.
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:11], k) for i, k in pairs] == [("Night train", "paraphrase")]


def test_named_author_by_the_embed_sharing_two_words_is_a_paraphrase() -> None:
    text = """Pier repairs

Harbour master Ruth Amos warned local anglers and visiting sailors that the pier faces weeks of welding.

Welding starts Monday, so the pier stays closed to all boats. — Ruth Amos (@RuthAmos) May 4, 2024

Fishing boats will use the north quay.
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:14], k) for i, k in pairs] == [("Harbour master", "paraphrase")]


def test_her_post_in_the_lead_up_sharing_two_words_is_a_paraphrase() -> None:
    text = """Pier repairs

In her latest post the harbour master warned anglers about weeks of welding on the pier.

Welding starts Monday, so the pier stays closed to all boats. — Ruth Amos (@RuthAmos) May 4, 2024

Fishing boats will use the north quay.
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:13], k) for i, k in pairs] == [("In her latest", "paraphrase")]


def test_umlauts_meet_their_ascii_spelling() -> None:
    from postlink.cite.paraphrase import stems, strong_stems
    assert stems("Düsseldorf") == stems("Duesseldorf")
    assert strong_stems("#Muenchen") == {"muenc"} and "muenc" in stems("in München")
    assert stems("über") == frozenset()  # still a stopword


def test_posting_verb_right_before_the_embed_names_its_author() -> None:
    text = """Budget row

Mara Ellison spoke at the council meeting on Monday.

The committee chair retweeted the report with a short comment of her own.

Read page four before you vote. — Mara Ellison (@MaraEllison) May 2, 2024

The vote is on Friday.
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:14], k) for i, k in pairs] == [
        ("Mara Ellison s", "attribution"), ("The committee ", "attribution")]


def test_posting_verb_naming_another_author_is_not_this_post() -> None:
    text = """Budget row

Mara Ellison spoke at the council meeting on Monday.

Read page four before you vote. — Mara Ellison (@MaraEllison) May 2, 2024

Dev Patel posted a reply an hour later.

Page four is blank. — Dev Patel (@DevPatel) May 2, 2024
"""
    _, sentences, result = _cite(text)
    cited = [(sentences[c.sentence_index][:9], c.post_key.split("/")[0]) for c in result.citations]
    assert ("Dev Patel", "x:@maraellison") not in cited and ("Dev Patel", "x:@devpatel") in cited


def test_speech_tag_of_another_quote_does_not_attribute_the_post() -> None:
    text = """Election night

"Vote early and bring a friend!" Mara Ellison tweeted on Sunday. "Polls close at ten."

Results come in after midnight. — Mara Ellison (@MaraEllison) May 2, 2024
"""
    doc = extract_text(text)
    posts = [PostText(e.key, e.text, e.author_handle, e.author_name, positions=(e.position,))
             for e in doc.embeds]
    tag = next(s.index for s in doc.sentences if "Mara Ellison tweeted" in s.text)
    assert tag not in {c.sentence_index for c in rule_citations(doc, posts).citations}


def test_speech_tag_of_a_quote_unlike_the_linked_posts_quote_is_another_post() -> None:
    text = ("Polls\n\n\"The turnout looks strong!\" Ellison tweeted on Monday. \"Keep going.\"\n\n"
            "\"Thank you all for voting today,\" Ellison [posted](https://x.com/MaraEllison/status/42) "
            "that evening.\n")
    doc = extract_text(text, markdown=True)
    result = rule_citations(doc, [PostText("x:42", "", "MaraEllison", "Mara Ellison")])
    cited = [(doc.sentences[c.sentence_index].text[:14], c.kind) for c in result.citations]
    assert cited == [('"Thank you all', "link")]


def test_list_items_do_not_count_against_the_lead_up() -> None:
    text = """Best posts

Ich erzähle von meinem Tweet des Jahres. Er war kurz. Er war ehrlich. Er kam spät.

Klare Worte

Ein Foto

Kein Filter

Gute Zeit

Schnee liegt auf dem ganzen Bahnsteig. — Jonas Keller (@JKeller) May 4, 2024
"""
    pairs, sentences, _ = _cite(text)
    assert ("Ich erzähle", "attribution") in [(sentences[i][:11], k) for i, k in pairs]


def test_two_hashtags_restated_in_the_lead_up_are_a_paraphrase() -> None:
    text = """Cycling

Wien has few good routes, so this wide new radweg caught my eye at once.

It is quiet here today.

Finally a proper lane! #Wien #Radweg — Ana Berg (@AnaBerg) May 4, 2024
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:8], k) for i, k in pairs] == [("Wien has", "paraphrase")]


def test_pronoun_sentence_after_a_quote_sharing_a_hashtag_is_a_paraphrase() -> None:
    text = """Road safety

"Slow down near schools," Mayor Ruth Amos wrote on Monday. She then added the tag #SafeStreets and a link to the city site.

Slow down near schools, please. #SafeStreets — Ruth Amos (@RuthAmos) May 4, 2024
"""
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:8], k) for i, k in pairs] == [
        ('"Slow do', "partial"), ("She then", "paraphrase")]


def _cite_with_textless_embed(sentences: str) -> list[tuple[int, str]]:
    """The sentences, then an embed of a post whose text is not on the page (a video)."""
    doc = extract_text(sentences)
    position = len(doc.text)
    post = PostText("youtube:AAAAAAAAAAA", "", positions=(position,))
    return [(c.sentence_index, c.kind) for c in rule_citations(doc, [post]).citations]


def test_a_speech_quote_before_a_video_is_not_taken_for_the_video() -> None:
    text = ("The study tracked users for ten years.\n\n"
            "But he said the results \"should inform how support services are funded.\"")
    assert _cite_with_textless_embed(text) == []


def test_it_says_before_a_textless_post_attributes_it() -> None:
    text = ("This is another picture the family shared on Sunday.\n\n"
            "It says, \"Nothing will replace what we lost this year.\"")
    assert (1, "attribution") in _cite_with_textless_embed(text)


# -- names a handle spells out, reported speech, introducers -------------------------------
@pytest.mark.parametrize("handle, sentence, mention", [
    ("ewarren", "Senator Elizabeth Warren replied within the hour.", 2),
    ("ewarren", "Warren replied within the hour.", 2),  # the surname after the initial
    ("elonmusk", "Elon Musk replied within the hour.", 2),
    ("AOC", "Congresswoman Alexandria Ocasio-Cortez replied within the hour.", 2),
    ("C_Holler", "Claudius Holler replied within the hour.", 2),
    ("ewarren", "Eve Warner replied within the hour.", 0),
    ("AOC", "Amy Ortiz replied within the hour.", 0),  # two initials, not three
    ("AOC", "an oil company replied within the hour.", 0),  # lower case is not a name
    ("elonmusk", "Elon Baker replied within the hour.", 0),
])
def test_names_spelt_out_by_a_handle(handle: str, sentence: str, mention: int) -> None:
    assert evidence(sentence, author_names(handle, None)).mention == mention


_NAME_WORDS = st.lists(st.sampled_from(["Ellison", "ellisons", "Mohr", "Mohrs", "Ida", "Warren", "E",
                                        "Musk", "Elon", "Alexandria", "Ocasio", "Cortez", "the"]),
                       max_size=8)


@given(_NAME_WORDS, st.sampled_from(["ellison", "mohr", "ida", "warr", "musk", "ocasio", "elo"]))
def test_the_word_forms_a_reading_keeps_hold_every_name_a_word_can_be(words: list[str], name: str) -> None:
    """mention_positions and the candidate index look for a name only among Reading.forms:
    a name that a word of the sentence can be (attribution._same_word) is always there."""
    reading = read(" ".join(words))
    if any(_same_word(w, name) for w in reading.words):
        assert name in reading.forms


@given(_NAME_WORDS, st.sampled_from(["ewarren", "elonmusk", "aoc", "eocasio", "alexandriaocasiocortez", "ida"]))
def test_the_handle_spellings_a_reading_keeps_hold_every_handle_it_names(words: list[str], handle: str) -> None:
    """The same for the names a handle spells (_handle_mentions): Reading.handle_forms and
    Reading.surnames hold every handle the sentence spells out."""
    reading = read(" ".join(words))
    if _handle_mentions(reading.words, reading.capitalised, handle):
        assert handle in reading.handle_forms or handle[1:] in reading.surnames


WATER_POSTS = """Water rates

The utility raised its rates by a fifth on Monday.

{lead}

Families on fixed incomes should not pay for the utility's failed pipe contracts. — Ida Nkemelu (@ida_nkemelu) March 3, 2025

Rates take effect in May.
"""


@pytest.mark.parametrize("lead, cited", [
    # the author named, then a pronoun in the sentence right before the embed; the naming
    # sentence itself is about her, not the post
    ("Councillor Ida Nkemelu has opposed the increase since spring. She blamed the utility's "
     "contractors for the shortfall.", {("She blamed the", "paraphrase")}),
    # an unnamed user right before the embed
    ("Residents were quick to respond. Another user wondered who would pay for the contracts.",
     {("Another user w", "paraphrase")}),
    ("Residents were quick to respond. Another wondered who would pay for the contracts.",
     {("Another wonder", "paraphrase")}),
])
def test_introducers_right_before_an_embed(lead: str, cited: set[tuple[str, str]]) -> None:
    pairs, sentences, _ = _cite(WATER_POSTS.format(lead=lead))
    assert {(sentences[i][:14], k) for i, k in pairs} == cited


@pytest.mark.parametrize("lead", [
    # the pronoun is someone else: the author is named three sentences before
    "Ida Nkemelu chairs the finance panel. The mayor spoke first. The treasurer spoke next. "
    "She blamed the utility's contractors for the shortfall.",
    # another person is named between the author and the pronoun
    "Ida Nkemelu chairs the finance panel. Mayor Tom Reyes defended the rise. He blamed the "
    "cost of steel.",
    # "another" that is not a person
    "Another problem is the age of the pipes.",
    # a crowd is generic reaction, not one post
    "Residents were quick to respond. Some users wondered who would pay for the contracts.",
])
def test_introducers_that_do_not_refer_to_the_author(lead: str) -> None:
    pairs, sentences, _ = _cite(WATER_POSTS.format(lead=lead))
    last = [s for s in sentences if s.startswith(("She blamed", "He blamed", "Another", "Some users"))]
    assert last and all(sentences[i] not in last for i, _ in pairs)


def test_author_named_with_a_verb_of_saying_in_the_lead_up_restates_the_post() -> None:
    text = WATER_POSTS.format(
        lead="Ida Nkemelu argued that families should not pay for failed contracts. The vote "
             "is on Thursday. Both parties have asked for a delay.")
    pairs, sentences, _ = _cite(text)
    assert [(sentences[i][:12], k) for i, k in pairs] == [("Ida Nkemelu ", "paraphrase")]
    # the same sentence with no word of the post in it describes her, not the post
    text = WATER_POSTS.format(
        lead="Ida Nkemelu argued otherwise at the meeting. The vote is on Thursday. Both "
             "parties have asked for a delay.")
    assert _cite(text)[0] == []


def test_brackets_the_post_itself_wrote_are_quoted_exactly() -> None:
    """"[link]" in the post is the post's text: quoting it unchanged is not an alteration."""
    post = post_words("New timetable from Monday [link] see the station boards")
    m = match_quote("New timetable from Monday [link] see the station boards", post)
    assert m is not None and m.kind == "verbatim" and m.diff is None
    edited = match_quote("New timetable from Monday [for all lines] see the station boards", post)
    assert edited is not None and edited.kind == "altered"


def test_credit_lines_in_several_languages() -> None:
    from postlink.cite.attribution import is_credit_line
    assert is_credit_line("Photo: Jane Roe / Harbour Agency")
    assert is_credit_line("Quelle: Nachrichtenagentur")
    assert is_credit_line("Crédit : Agence Exemple")
    assert is_credit_line("Reporting by Sam Example; editing by Lee Example")
    assert is_credit_line("The ferry at dawn. Image credit: Port Archive")
    assert not is_credit_line("The photographer posted the picture on Instagram.")


def test_definite_post_words_come_from_every_language() -> None:
    from postlink.cite.attribution import read
    assert read("Dans son message, la maire promet une réponse.").definite
    assert read("En su publicación, el alcalde pidió calma.").definite
    assert read("She linked to her latest tweet.").definite
    assert not read("She linked to her blog post.").definite  # a web page
    assert read("Auf dem gemeinsamen Foto lachen beide.").media
    assert not read("The council met on Tuesday.").definite


def test_pronoun_tags_and_it_says_read_either_word_order() -> None:
    from postlink.cite.attribution import it_says, pronoun_tag, read
    assert pronoun_tag(read("„Wir machen weiter“, schrieb sie.").words)
    assert pronoun_tag(read('"We carry on," she wrote.').words)
    assert pronoun_tag(read("« On continue », écrit-elle.").words)
    assert not pronoun_tag(read("The council said nothing.").words)
    assert it_says(read('It reads: "Back soon."').words)
    assert it_says(read("Darin heißt es, es sagt alles.").words)
    assert not it_says(read("It rained all day.").words)
