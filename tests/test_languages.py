"""Articles in languages whose words, sentences, quotes or names differ in kind from the
Latin-script ones: Hindi (vowel signs, the danda, names in Devanagari), Japanese (no spaces,
corner-bracket quotes, names in katakana), Hungarian ("on Twitter" as an ending) and Czech.
Every article here was written for these tests: one English post, flattened, a sentence that
names its author with a posting cue, and a sentence that credits another source."""

from __future__ import annotations

import pytest

from postlink import lexicon
from postlink.cite.attribution import author_names, evidence
from postlink.cite.compare import match_quote, post_words
from postlink.cite.match import PostText, link_citations
from postlink.cite.quotes import find_quotes
from postlink.cite.sounds import foreign, same_sound, skeleton
from postlink.extract.dates import parse_date
from postlink.extract.document import extract_text
from postlink.extract.sentences import split_sentences

POST = "The first ferry leaves at 7am on Monday. Thank you all for your patience these three weeks."
ATTRIBUTION = "— Mara Lind (@MaraLindCouncil)"

# language -> (article with {post} in place of the flattened post, the citing sentence's
# opening, the other source's opening, the date in the attribution line)
ARTICLES = {
    "hi": ("नौका सेवा फिर शुरू\n\nशहर की नौका सेवा तीन हफ्ते बाद सोमवार को फिर शुरू हो गई। "
           "पार्षद मारा लिंड ने ट्विटर पर लिखा कि पहली नाव सुबह सात बजे चलेगी।\n\n{post}\n\n"
           "बंदरगाह के अधिकारियों ने संवाददाताओं से कहा कि किराया नहीं बढ़ेगा। यात्री संघ ने फैसले का स्वागत किया।",
           "पार्षद मारा लिंड", "बंदरगाह के अधिकारियों", "12 नवंबर 2024"),
    "ja": ("フェリー運航再開\n\n市のフェリーは三週間ぶりに月曜日に運航を再開した。"
           "市議会議員のマラ・リンド氏はツイッターに「最初の船は午前7時に出ます」と投稿した。\n\n{post}\n\n"
           "港湾当局は記者団に対し、運賃は上がらないと語った。利用者団体はこの決定を歓迎した。",
           "市議会議員のマラ", "港湾当局", "2024年11月12日"),
    "hu": ("Újraindul a komp\n\nA városi kompjárat három hét szünet után hétfőn újraindult. "
           "Mara Lind képviselő a Twitteren azt írta, hogy az első hajó reggel hétkor indul.\n\n{post}\n\n"
           "A kikötő szóvivője az újságíróknak azt mondta, hogy a jegyárak nem emelkednek. "
           "Az utasok szövetsége üdvözölte a döntést.",
           "Mara Lind képviselő", "A kikötő szóvivője", "2024. november 12."),
    "cs": ("Přívoz znovu jezdí\n\nMěstský přívoz se po třech týdnech v pondělí znovu rozjel. "
           "Radní Mara Lind na Twitteru napsala, že první loď vyplouvá v sedm ráno.\n\n{post}\n\n"
           "Mluvčí přístavu novinářům řekl, že jízdné se nezvýší. Sdružení cestujících rozhodnutí uvítalo.",
           "Radní Mara Lind", "Mluvčí přístavu", "12. listopadu 2024"),
}


def _article(lang: str) -> str:
    text, _, _, date = ARTICLES[lang]
    return text.format(post=f"{POST} {ATTRIBUTION} {date}")


@pytest.mark.parametrize("lang", sorted(ARTICLES))
def test_the_post_is_found_dated_and_the_page_s_language_known(lang: str) -> None:
    doc = extract_text(_article(lang))
    [post] = doc.embeds
    assert post.author_handle == "MaraLindCouncil" and post.text == POST
    assert parse_date(post.date_text) == "2024-11-12"
    # the prose keeps its sentences: heading, two before the post, two after it
    assert len(doc.sentences) == 5
    assert lexicon.detect_language(" ".join(s.text for s in doc.sentences)) == lang


@pytest.mark.parametrize("lang", sorted(ARTICLES))
def test_the_sentence_naming_the_author_cites_the_post_and_the_other_source_does_not(lang: str) -> None:
    _, citing, other, _ = ARTICLES[lang]
    doc = extract_text(_article(lang))
    posts = [PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated,
                      positions=(e.position,)) for e in doc.embeds]
    linked = {doc.sentences[c.sentence_index].text for c in link_citations(doc, posts).citations}
    assert any(s.startswith(citing) for s in linked), linked
    assert not any(s.startswith(other) for s in linked), linked


# -- the pieces ------------------------------------------------------------------------------
def test_a_word_keeps_its_vowel_signs() -> None:
    # re's \w leaves combining marks out: "लिखा" would be "ल" and "ख"
    assert lexicon.words("मारा लिंड ने लिखा") == ["मारा", "लिंड", "ने", "लिखा"]
    assert lexicon.fold("लिखा") == "लिखा"  # the vowel signs are the word, not accents
    assert lexicon.fold("Léa Ñandú") == "lea nandu"  # Latin accents still go


def test_a_run_without_spaces_is_cut_at_the_cue_words_it_holds() -> None:
    words = lexicon.words("リンド氏はツイッターに投稿した")
    assert {"リンド", "氏", "ツイッター"} <= set(words)
    assert set(words) & lexicon.cues("posting_verbs", "ja")  # "投稿した" or "に投稿"
    assert lexicon.words("plain ascii words") == ["plain", "ascii", "words"]


@pytest.mark.parametrize(("text", "expected"), [
    ("नाव चलेगी। उन्होंने धन्यवाद दिया। यह अच्छी खबर है।",
     ["नाव चलेगी।", "उन्होंने धन्यवाद दिया।", "यह अच्छी खबर है।"]),
    ("船が出た。皆が喜んだ。", ["船が出た。", "皆が喜んだ。"]),
    # a quote in corner brackets holding sentence ends is one sentence of the article
    ("彼は「船が出る。皆に感謝。」と書いた。皆が喜んだ。", ["彼は「船が出る。皆に感謝。」と書いた。", "皆が喜んだ。"]),
])
def test_sentence_ends_of_other_scripts(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text, [(0, len(text))])] == expected


def test_corner_brackets_are_quote_marks() -> None:
    text = "彼は「最初の船は午前7時に出ます」と投稿した。"
    assert [q.text for q in find_quotes(text, [(0, len(text))])] == ["最初の船は午前7時に出ます"]


def test_a_quote_of_part_of_a_japanese_post_is_partial() -> None:
    # Japanese runs have no spaces: the quote and the post are compared character by character
    post = "最初のフェリーは月曜日の午前7時に出ます。三週間お待たせしました。 — 山田花子 (@YamadaHanakoEx) 2024年11月12日"
    text = ("フェリー運航再開\n\n市のフェリーは月曜日に運航を再開した。"
            "山田花子市議はＸに「午前7時に出ます」と投稿した。\n\n" + post + "\n\n港湾当局は運賃は上がらないと語った。")
    doc = extract_text(text)
    posts = [PostText(e.key, e.text, e.author_handle, e.author_name, e.truncated, positions=(e.position,))
             for e in doc.embeds]
    [citation] = link_citations(doc, posts).citations
    assert (citation.sentence_index, citation.kind, citation.quote) == (2, "partial", "午前7時に出ます")
    whole = match_quote("最初のフェリーは月曜日の午前7時に出ます", post_words(doc.embeds[0].text))
    assert whole is not None and whole.kind == "verbatim"  # a whole sentence of the post


@pytest.mark.parametrize("spellings", [
    ("thunberg", "Тунберг", "थनबर्ग"),
    ("lind", "リンド", "लिंड", "Линд"),
    ("macron", "Макрон", "マクロン", "मैक्रों"),
    ("musk", "Маск", "マスク", "मस्क"),
])
def test_a_name_sounds_alike_in_every_script(spellings: tuple[str, ...]) -> None:
    latin, *others = spellings
    assert all(same_sound(skeleton(o), skeleton(latin)) for o in others), [skeleton(s) for s in spellings]


def test_names_in_another_script_are_matched_by_sound_and_latin_words_are_not() -> None:
    names = author_names("MaraLindCouncil", "Mara Lind")
    assert evidence("Депутат Мара Линд написала в Twitter, что паром пойдёт.", names).mention == 2
    assert evidence("Депутат Мара Линд написала в Twitter, что паром пойдёт.", names).near_cue
    # "Mora Land" has Mara Lind's consonants, but in Latin letters only the spelling counts
    assert evidence("Mora Land wrote on Twitter that the ferry will run.", names).mention == 0
    assert not foreign("Land") and foreign("Линд")
    # a short name alone ("Kelly", two consonants) is too weak to name anyone in full
    assert evidence("Келли написала в Twitter.", author_names("KellyDoe", "Kelly")).mention < 2


def test_a_platform_with_an_ending_or_a_postposition_is_a_post_cue() -> None:
    names = author_names("MaraLindCouncil", "Mara Lind")
    assert evidence("Mara Lind a Twitteren azt írta, hogy indul.", names).cue
    assert not evidence("Mara Lind azt mondta, hogy indul.", names).cue
    assert evidence("मारा लिंड ने ट्विटर पर बताया।", names).cue
