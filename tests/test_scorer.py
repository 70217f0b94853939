"""The learned scorer (cite/scorer.py) and the pair features it reads (cite/features.py).

The scorer's accuracy is measured by test_cite_eval.py; these tests pin its mechanics: what
thresholds keep, how weights are read, which features a clear sentence gets, and that the
candidate pairs stay linear in the page.
"""

from __future__ import annotations

import math

import pytest

from postlink import lexicon
from postlink.cite.features import FEATURES, INDEX
from postlink.cite.match import PostText, candidate_features, link_citations, rule_citations
from postlink.cite.scorer import Scorer
from postlink.extract.document import extract_text

ARTICLE = """Bridge to close

"The bridge will close for three weeks from Monday so crews can replace the deck joints," councillor Mara Ellison wrote on X.

The bridge will close for three weeks from Monday so crews can replace the deck joints. I know this is a pain. — Mara Ellison (@MaraEllison) May 2, 2024

Shopkeeper Dev Patel told the Herald the closure was "a disaster for the high street".

The works start on Monday.
"""


def _page(text: str = ARTICLE):
    doc = extract_text(text)
    posts = [PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated,
                      positions=(e.position,) if e.position is not None else ()) for e in doc.embeds]
    return doc, posts


def _scorer(evidence: float, context: float) -> Scorer:
    zero = tuple(0.0 for _ in FEATURES)
    return Scorer(zero, zero, zero, evidence, context)


def _sentence(doc, start: str) -> int:
    return next(s.index for s in doc.sentences if s.text.startswith(start))


def test_the_shipped_scorer_keeps_a_named_verbatim_quote_and_not_another_sources_quote() -> None:
    doc, posts = _page()
    result = link_citations(doc, posts)
    kinds = {(c.sentence_index, c.kind) for c in result.citations}
    assert (_sentence(doc, '"The bridge will close'), "verbatim") in kinds
    herald = _sentence(doc, "Shopkeeper Dev Patel")
    assert herald not in {c.sentence_index for c in result.citations}
    assert "a disaster for the high street" in [u.quote for u in result.unmatched_quotes]


def test_a_threshold_of_zero_keeps_every_candidate_and_above_one_keeps_none() -> None:
    doc, posts = _page()
    everything = link_citations(doc, posts, _scorer(0.0, 0.0)).citations
    pairs = {(i, key) for i, key, _ in candidate_features(doc, posts)}
    assert {(c.sentence_index, c.post_key) for c in everything} == pairs
    assert link_citations(doc, posts, _scorer(1.01, 1.01)).citations == ()


def test_a_quote_the_scorer_doubts_is_listed_as_unmatched_not_lost() -> None:
    doc, posts = _page()
    quoted = next(c for c in rule_citations(doc, posts).citations if c.kind == "verbatim")
    doubted = link_citations(doc, posts, _scorer(1.01, 1.01))
    assert quoted.quote in [u.quote for u in doubted.unmatched_quotes]
    kept = link_citations(doc, posts)
    assert quoted.quote not in [u.quote for u in kept.unmatched_quotes]


def test_weights_are_read_by_name_and_missing_features_weigh_nothing() -> None:
    scorer = Scorer.from_weights({
        "evidence": {"bias": -1.0, "quote_verbatim": 3.0, "a_feature_from_the_future": 9.0},
        "context": {"bias": -2.0}, "kind": {},
        "thresholds": {"evidence": 0.5, "context": 0.9},
    })
    x = [0.0] * len(FEATURES)
    x[INDEX["bias"]] = 1.0
    assert math.isclose(scorer.p_cite(x), 1 / (1 + math.exp(2.0)))  # no evidence: context model
    x[INDEX["quote_verbatim"]] = 1.0
    assert math.isclose(scorer.p_cite(x), 1 / (1 + math.exp(-2.0)))  # evidence model
    assert scorer.keeps(x, scorer.p_cite(x))
    assert scorer.p_paraphrase(x) == 0.5


def test_features_of_a_clear_quote_and_of_another_sources_quote() -> None:
    doc, posts = _page()
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    key = posts[0].key
    quote = vectors[(_sentence(doc, '"The bridge will close'), key)]
    assert len(quote) == len(FEATURES)
    assert quote[INDEX["quote_verbatim"]] == 1.0 and quote[INDEX["mention_full"]] == 1.0
    assert quote[INDEX["before_embed"]] == 1.0 and quote[INDEX["cue"]] == 1.0
    herald = vectors.get((_sentence(doc, "Shopkeeper Dev Patel"), key))
    assert herald is not None and herald[INDEX["other_source"]] == 1.0
    assert herald[INDEX["quote_verbatim"]] == 0.0 and herald[INDEX["unmatched_quote"]] == 1.0


def test_candidates_stay_a_few_per_sentence_on_a_live_blog_of_many_posts() -> None:
    """A post every other paragraph, 300 of them: each sentence meets the posts around it,
    not all 300 (sentences times posts would be 180,000 pairs)."""
    parts = ["Live: the harbour festival"]
    for i in range(300):
        parts.append(f"Crowds gathered at stage {i} as the band started playing.")
        parts.append(f"Stage {i} is packed tonight, come down! — Fan {i} (@fan{i}) May 2, 2024")
    doc, posts = _page("\n\n".join(parts) + "\n")
    assert len(posts) == 300
    pairs = candidate_features(doc, posts)
    assert len(pairs) <= 6 * len(doc.sentences)
    seventh = _sentence(doc, "Crowds gathered at stage 7 ")
    fan7 = next(p.key for p in posts if p.author_handle == "fan7")
    assert (seventh, fan7) in {(i, key) for i, key, _ in pairs}  # the post right after it


RUN = """Harbour notes

Ferry chief Mara Ellison used this neat comparison:

A ferry timetable is a promise, not a wish. — Mara Ellison (@MaraEllison) May 2, 2024

And we keep our promises, even in fog. — Mara Ellison (@MaraEllison) May 3, 2024

The council met after both posts went out.
"""


def test_a_sentence_next_to_a_run_of_embeds_has_the_others_between_it_and_the_later_ones() -> None:
    doc, posts = _page(RUN)
    first, second = (p.key for p in posts)
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    lead, after = _sentence(doc, "Ferry chief"), _sentence(doc, "The council met")
    assert vectors[(lead, first)][INDEX["behind_another"]] == 0.0
    assert vectors[(lead, second)][INDEX["behind_another"]] == 1.0
    assert vectors[(lead, second)][INDEX["embeds_between"]] > 0.0
    # after the run, the nearer one is the last
    assert vectors[(after, second)][INDEX["behind_another"]] == 0.0
    assert vectors[(after, first)][INDEX["behind_another"]] == 1.0


def test_sentence_cues_are_read_in_the_page_s_language() -> None:
    from postlink.cite.features import SentenceCues
    # Polish "on" (he) is not a pronoun opening an English sentence
    assert not SentenceCues.of("On Monday the ferries ran on time.", "en").pronoun_start
    assert SentenceCues.of("On napisał, że prom wróci w poniedziałek.", "pl").pronoun_start
    assert SentenceCues.of("She wrote that the ferry would sail.", "en").pronoun_start


@pytest.mark.parametrize(("sentence", "language", "pronoun"), [
    # a sentence that opens by crediting a pronoun speaks for the person named before
    ("Selon lui, le bac reprendra lundi.", "fr", True),
    ("Według niej prom wróci w poniedziałek.", "pl", True),
    ("Ihr zufolge fährt die Fähre wieder.", "de", True),
    ("По её словам, паром вернется в понедельник.", "ru", True),
    ("Szerinte a komp hétfőn újra jár.", "hu", True),
    # ... not when it credits someone else
    ("Selon la préfecture, le bac reprendra lundi.", "fr", False),
    ("Dem Bericht zufolge fährt die Fähre wieder.", "de", False),
    ("По словам мэра, паром вернется в понедельник.", "ru", False),
])
def test_a_sentence_opening_on_a_credited_pronoun_opens_on_a_pronoun(sentence: str, language: str,
                                                                    pronoun: bool) -> None:
    from postlink.cite.features import SentenceCues
    assert SentenceCues.of(sentence, language).pronoun_start is pronoun


TRANSLATED = """Fähre nach Ranne fällt aus

Die Fähre nach Ranne fährt bis Donnerstag nicht. Ein Motorschaden wurde bei einer Kontrolle gefunden.

Engine fault found during Monday's inspection. No crossings until Thursday. We are sorry for the disruption. — Ranne Ferry (@RanneFerry) April 8, 2024

„Wir entschuldigen uns für die Unannehmlichkeiten“, schrieb die Reederei Ranne Ferry auf X.

„Die Insel ist abgeschnitten“, sagte Bürgermeister Luc Bertin dem Radio.
"""


def _containing(doc, fragment: str) -> int:
    return next(s.index for s in doc.sentences if fragment in s.text)


def test_a_quote_of_a_post_in_another_language_is_not_someone_else_s_words() -> None:
    """A German article quoting an English post translates it: that the quote does not match
    the post's words says nothing of whose words they are, so neither the pair feature nor the
    speech-tag rule reads it as another source's quote."""
    doc, posts = _page(TRANSLATED)
    [post] = posts
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    tagged = vectors[(_containing(doc, "schrieb die Reederei"), post.key)]
    assert tagged[INDEX["unmatched_quote"]] == 1.0 and tagged[INDEX["quotes_something_else"]] == 0.0
    assert tagged[INDEX["rule_attribution"]] == 1.0 or tagged[INDEX["rule_paraphrase"]] == 1.0
    english = TRANSLATED.replace("„Wir entschuldigen uns für die Unannehmlichkeiten“",
                                 "“We apologise for the trouble”")
    doc, posts = _page(english.replace("Fähre nach Ranne fällt aus\n\nDie Fähre nach Ranne fährt bis "
                                       "Donnerstag nicht. Ein Motorschaden wurde bei einer Kontrolle gefunden.",
                                       "Ranne ferry cancelled\n\nThe Ranne ferry will not sail until Thursday."))
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    same_language = vectors[(_containing(doc, "schrieb die Reederei"), posts[0].key)]
    assert same_language[INDEX["quotes_something_else"]] == 1.0  # an English quote the post lacks


def test_a_kept_pair_that_quotes_a_post_translated_is_its_altered_quote() -> None:
    """The article marks the post's words as quoted, in its own language: an altered quote
    (as the issue and the corpus label it), with no word diff, no longer an unmatched quote.
    The mayor's quote to the radio stays unmatched and linked to nothing."""
    doc, posts = _page(TRANSLATED)
    result = link_citations(doc, posts)
    [citation] = [c for c in result.citations if c.sentence_index == _containing(doc, "schrieb die Reederei")]
    assert (citation.kind, citation.quote, citation.diff) == (
        "altered", "Wir entschuldigen uns für die Unannehmlichkeiten", None)
    assert doc.text[slice(*citation.article_span)] == citation.quote
    assert [u.quote for u in result.unmatched_quotes] == ["Die Insel ist abgeschnitten"]
    # kept by a scorer that keeps every pair, the mayor's quote is still not the post's: its
    # tag names another speaker
    everything = link_citations(doc, posts, _scorer(0.0, 0.0))
    mayor = next(c for c in everything.citations if c.sentence_index == _containing(doc, "Luc Bertin"))
    assert mayor.kind != "altered"
    assert [u.quote for u in everything.unmatched_quotes] == ["Die Insel ist abgeschnitten"]
    # reported speech after a dialogue dash is a quote too, up to its speech tag
    norwegian = ("Ferja til Ranne innstilt\n\nFerja til Ranne går ikke før torsdag. En motorfeil ble funnet "
                 "under en kontroll mandag.\n\n" + TRANSLATED.split("\n\n")[2] + "\n\n"
                 "– Vi beklager ulempene dette medfører, skriver rederiet Ranne Ferry på X.\n")
    doc, posts = _page(norwegian)
    [citation] = link_citations(doc, posts).citations
    assert (citation.kind, citation.quote) == ("altered", "Vi beklager ulempene dette medfører")


@pytest.mark.parametrize("end", ["।", "“"])
def test_a_short_paragraph_ending_in_a_danda_or_a_german_closing_quote_is_no_heading(end: str) -> None:
    opening = "„" if end == "“" else ""
    text = (f"{opening}नेहा कपूर ने ट्वीट किया कि शूटिंग पूरी हो गई है{end}\n\n"
            "Shooting wrapped! What a ride. — Neha Kapoor (@nehakapoor_x) January 9, 2024\n\n"
            f"{opening}फिल्म अगले साल रिलीज़ होगी{end}\n")
    doc, posts = _page(text)
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    lead = vectors[(_containing(doc, "ट्वीट किया"), posts[0].key)]
    assert lead[INDEX["heading"]] == 0.0


@pytest.mark.parametrize(("sentence", "points"), [
    ("In a later post, Ellison promised a shuttle bus.", True),
    ("In a subsequent tweet, Ellison promised a shuttle bus.", True),  # "subsequently", stemmed
    ("Ellison later promised a shuttle bus in the same post.", False),  # no order word on the noun
])
def test_a_sentence_about_another_post_of_an_author_with_one_post_here(sentence: str, points: bool) -> None:
    doc, posts = _page(ARTICLE.replace("The works start on Monday.", sentence))
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    x = vectors[(_containing(doc, "shuttle bus"), posts[0].key)]
    assert x[INDEX["other_post"]] == float(points)


def test_a_lead_in_right_above_the_embed_is_near_it_however_long() -> None:
    short = "Ellison posted:"
    long = ("Ellison, who has run the harbour office for eleven years and rarely posts anything at "
            "all, posted a long note about the works on Sunday evening:")
    away = []
    for lead in (short, long):
        post = ARTICLE.split("\n\n")[2]
        doc, posts = _page(f"Bridge to close\n\nThe bridge shuts for three weeks.\n\n{lead}\n\n{post}\n\nThe works start on Monday.\n")
        vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
        away.append(vectors[(_containing(doc, lead[:12]), posts[0].key)][INDEX["chars_away"]])
    assert away[0] == away[1] < 0.2


PORT = """Obras no porto de Lisboa

As obras no cais começam na segunda-feira e duram três semanas.

Works on the quay start Monday. The ferry moves to pier 4 until the end of the month. — Lisbon Port (@LisbonPortPT) May 6, 2024

{sentence}

A câmara municipal não comentou.
"""


@pytest.mark.parametrize(("sentence", "points"), [
    # Romance languages put the order word after the post noun
    ("Numa publicação posterior, o porto prometeu um autocarro gratuito.", True),
    ("Numa publicação anterior, o porto tinha pedido paciência.", True),
    ("Na mesma publicação, o porto prometeu um autocarro gratuito.", False),
])
def test_an_order_word_after_the_post_noun_points_to_another_post(sentence: str, points: bool) -> None:
    doc, posts = _page(PORT.format(sentence=sentence))
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    x = vectors[(_containing(doc, ", o porto"), posts[0].key)]
    assert x[INDEX["other_post"]] == float(points)


def test_another_post_of_the_author_on_the_page_may_be_the_one_meant() -> None:
    second = ("A shuttle bus will run every 20 minutes. — Mara Ellison (@MaraEllison) May 3, 2024\n\n"
              "In a later post, Ellison promised a shuttle bus.")
    doc, posts = _page(ARTICLE.replace("The works start on Monday.", second))
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    sentence = _containing(doc, "In a later post")
    assert all(vectors[(sentence, p.key)][INDEX["other_post"]] == 0.0 for p in posts if (sentence, p.key) in vectors)


def test_a_pronoun_right_after_the_post_goes_back_to_the_author_named_before_it() -> None:
    text = ("Singer news\n\nThe singer Lea Sommer shared a photo from the studio.\n\n"
            "Album done. Out in March! — Lea Sommer (@leasommer_x) December 27, 2023\n\n"
            "She wrote that the tour starts in April.\n\nTickets go on sale on Friday.")
    doc, posts = _page(text)
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    assert vectors[(_containing(doc, "She wrote that"), posts[0].key)][INDEX["named_before"]] == 1.0
    # another author's post between the name and the pronoun: the pronoun may be theirs
    other = text.replace("She wrote that", "Great news, see you there. — Ola Berg (@olaberg_x) December 27, "
                                           "2023\n\nShe wrote that")
    doc, posts = _page(other)
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    lea = next(p.key for p in posts if p.author_handle == "leasommer_x")
    assert vectors[(_containing(doc, "She wrote that"), lea)][INDEX["named_before"]] == 0.0


@pytest.mark.parametrize(("tag", "fires"), [
    ("« Trois jours sans bac, c'est trop », a-t-elle écrit.", True),  # the pronoun after the verb
    ("„Nikt nas nie zapytał” – dodał.", True),  # no pronoun at all
    ("– Vi trenger en ny bro, skriver hun.", True),  # a dialogue dash opens the quote
    ("« Trois jours sans bac, c'est trop », a répondu le maire Luc Bertin.", False),  # names its speaker
    ("« Trois jours sans bac », a-t-elle écrit dans un autre message.", False),  # another post
    ("Elle a écrit que le bac reviendrait.", False),  # no quote: pronoun_start's case
])
def test_a_speech_tag_naming_nobody_after_the_author_was_named(tag: str, fires: bool) -> None:
    text = ("Ferry news\n\nL'élue Claire Vidal a réagi dans la soirée.\n\n"
            "Three days without a ferry. — Claire Vidal (@ClaireVidalRg) April 8, 2024\n\n"
            f"Vidal a réclamé un bateau de remplacement.\n\n{tag}\n\nLa navette part mercredi.")
    assert _feature(text, tag[:12], "tag_named_before") == float(fires)


def _feature(text: str, fragment: str, name: str) -> float:
    """Feature ``name`` of the pair (the sentence holding ``fragment``, the page's first post)."""
    doc, posts = _page(text)
    vectors = {(i, key): x for i, key, x in candidate_features(doc, posts)}
    return vectors[(_containing(doc, fragment), posts[0].key)][INDEX[name]]


@pytest.mark.parametrize(("post", "translated"), [
    ("Training got moved to the pool today", True),  # English stopwords, none of French
    ("Big Match Day Squad Announcement", False),  # no stopwords of any language: a title
    ("Le club est sous l'eau ce matin", False),  # the page's own language
])
def test_a_short_post_is_in_another_language_when_it_has_none_of_the_page_s_stopwords(
        post: str, translated: bool) -> None:
    text = ("Le club inondé\n\nLe vestiaire du club de rugby a été inondé pendant la nuit. "
            "Les bénévoles sont attendus samedi avec des bottes.\n\n"
            f"{post} — Cwm Rhos RFC (@CwmRhosRFC) January 7, 2024\n\n"
            "« L'entraînement a été déplacé », a écrit le club.")
    assert _feature(text, "a écrit le club", "quotes_something_else") == float(not translated)


def test_a_short_page_in_a_script_only_one_language_here_is_written_in() -> None:
    # two stopwords are too few to tell Russian by them; Cyrillic tells it
    text = ("Актриса Мэгги Чейз вышла замуж.\n\n"
            "Just married! Small wedding, big love. — Maggie Chase (@maggiechase_x) May 4, 2024\n\n"
            "Свадьба прошла в Монтане.")
    assert lexicon.detect_language(_page(text)[0].text) is None
    assert _feature(text, "Актриса", "not_english") == 1.0


@pytest.mark.parametrize(("after", "fires"), [
    ("«Ingen skal sitte alene i et kaldt hus», skrev hun.", True),  # right under the embed
    ("«Ingen skal sitte alene i et kaldt hus», sa brannsjef Ola Dahl.", False),  # names its speaker
    ("Ordføreren snakket med NRK om saken.", False),  # no quote, no tag
])
def test_a_speech_tag_right_under_the_embed_naming_nobody(after: str, fires: bool) -> None:
    # the lead-in names the author by a role only, so no name comes before the tag
    text = ("Strømbrudd i Vik\n\nOrdføreren henvendte seg til innbyggerne på sosiale medier.\n\n"
            "Nobody should sit alone in a cold house. The sports hall is open. — Kari Haugen (@KariHaugenVik) "
            f"December 11, 2024\n\n{after}\n\nStrømmen er ventet tilbake onsdag.")
    assert _feature(text, after[:14], "tag_after_embed") == float(fires)
