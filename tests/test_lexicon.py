"""The language cue files (postlink/lexicon/data) and their loader."""

from __future__ import annotations

import pytest

from postlink import lexicon
from postlink.lexicon import (
    CATEGORIES,
    count,
    cues,
    cues_any,
    detect_language,
    fold,
    month_number,
    phrases,
    substrings,
)

REQUIRED_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "sv", "no", "ja",
                      "cs", "hu", "hi")

# Two short sentences per language, written for this test.
SENTENCES = {
    "en": ["She said that the council would vote on the plan next week.",
           "They were not happy with the result of the match."],
    "de": ["Sie sagte, dass der Rat nächste Woche über den Plan abstimmen wird.",
           "Er war mit dem Ergebnis des Spiels nicht zufrieden."],
    "fr": ["Elle a dit que le conseil votera sur le plan la semaine prochaine.",
           "Les supporters ne sont pas contents du résultat du match."],
    "es": ["Ella dijo que el consejo votará el plan la próxima semana.",
           "Los vecinos no están contentos con el resultado de la votación."],
    "it": ["Lei ha detto che il consiglio voterà il piano la prossima settimana.",
           "I tifosi non sono contenti del risultato della partita."],
    "pt": ["Ela disse que o conselho vai votar o plano na próxima semana.",
           "Os moradores não estão satisfeitos com o resultado da votação."],
    "nl": ["Zij zei dat de raad volgende week over het plan zal stemmen.",
           "De bewoners zijn niet blij met de uitslag van de stemming."],
    "pl": ["Powiedziała, że rada będzie głosować nad tym planem w przyszłym tygodniu.",
           "Mieszkańcy nie są zadowoleni z wyniku i tylko czekają na zmiany."],
    "ru": ["Она сказала, что совет проголосует за план на следующей неделе.",
           "Жители не довольны результатом, и это уже не секрет."],
    "sv": ["Hon sa att rådet ska rösta om planen nästa vecka.",
           "De boende är inte nöjda med resultatet och vill ha svar."],
    "no": ["Hun sa at rådet skal stemme over planen neste uke, og det blir ikke lett.",
           "Beboerne er ikke fornøyde med resultatet, og de vil ha svar nå."],
    "ja": ["彼女は来週その計画について投票すると述べた。",
           "住民はその結果に満足していないという。"],
    "cs": ["Řekla, že rada bude o plánu hlasovat až příští týden, ale není to jisté.",
           "Obyvatelé nejsou s výsledkem spokojeni, protože jim to nikdo nevysvětlil."],
    "hu": ["Azt mondta, hogy a tanács a jövő héten szavaz a tervről.",
           "A lakók nem elégedettek az eredménnyel, és választ várnak."],
    "hi": ["उन्होंने कहा कि परिषद अगले हफ्ते योजना पर मतदान करेगी।",
           "निवासी नतीजे से खुश नहीं हैं और जवाब चाहते हैं।"],
}


@pytest.mark.parametrize("lang", REQUIRED_LANGUAGES)
def test_every_language_fills_every_category(lang: str) -> None:
    assert lang in lexicon.languages()
    for category in CATEGORIES:
        assert cues(category, lang) or phrases(category, lang), (lang, category)
    months = lexicon.language(lang).months
    assert len(months) == 12 and all(months), lang


@pytest.mark.parametrize("lang", REQUIRED_LANGUAGES)
def test_media_words_are_post_words(lang: str) -> None:
    # the resolver takes media words out of the post cues; they must be post nouns to begin with
    assert cues("media_nouns", lang) <= cues("post_nouns", lang)


@pytest.mark.parametrize("lang", lexicon.languages())
def test_according_words_are_other_source_words(lang: str) -> None:
    # the resolver only ever lets an "according" word off being another source
    credits = cues("according", lang) | cues("according_after", lang)
    assert credits <= cues("other_source", lang)
    assert not credits or cues("credited_pronouns", lang)


@pytest.mark.parametrize(("lang", "text"), [(lang, s) for lang, ss in SENTENCES.items() for s in ss])
def test_detect_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(("lang", "text"), [
    # few stopwords, two of them English words too ("at", "to"; "a"): the letters tell
    ("no", "Sangeren Mari Holm delte nyheten på Instagram. Holm skriver at nummer to er på vei."),
    ("hu", "Nagy Éva a Facebookon írt a tervről. A polgármester két hét múlva dönt."),
])
def test_detect_language_of_a_short_paragraph_by_its_letters(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "ok", "12345 !!! ???", "asdf qwer zxcv", "Bukele Twitter 2022",
                                  "的 是 在 了"])
def test_detect_language_unsure(text: str) -> None:
    assert detect_language(text) is None


def test_fold() -> None:
    assert fold("Léa") == "lea"
    assert fold("MÄRZ") == "marz"
    assert fold("Ça") == "ca"
    assert fold("ＸＹＺ") == "xyz"  # full-width letters
    assert fold("ポスト") == "ポスト"  # voiced kana keep their marks: ポ is not ホ
    assert "twitterte" in cues("posting_verbs", "de")
    assert "veroffentlichte" in cues("posting_verbs", "de")  # "veröffentlichte", folded


def test_cues_and_phrases() -> None:
    assert {"tweeted", "tweetete", "publicó"} - cues("posting_verbs") == {"publicó"}
    assert "publico" in cues("posting_verbs")  # folded
    assert ("told", "reporters") in phrases("other_source")
    assert ("told", "reporters") not in {(w,) for w in cues("other_source")}
    assert cues("pronouns", "fr") >= {"il", "elle"}
    assert "投稿した" in substrings("posting_verbs", "ja")
    assert not substrings("posting_verbs", "en")
    with pytest.raises(KeyError):
        cues("no_such_category")
    with pytest.raises(KeyError):
        cues("pronouns", "xx")


def test_cues_any_leaves_out_other_languages_function_words() -> None:
    # Polish "on" is "he"; in the union it would make every English "on" a pronoun
    assert "on" in cues("pronouns", "pl") and "on" not in cues_any("pronouns")
    assert {"he", "er", "il", "ona", "он"} <= cues_any("pronouns")
    assert "in" in cues_any("platform_prepositions")  # English keeps its own words


def test_count() -> None:
    assert count("He told reporters on Monday", "other_source") == 2  # "told" and the phrase
    assert count("She posted a video on X", "posting_verbs") == 2  # "posted", "posted a video"
    assert count("彼女はインスタグラムに写真を投稿した。", "posting_verbs") >= 1
    assert count("彼女はインスタグラムに写真を投稿した。", "platforms") == 1
    assert count("The weather was fine", "posting_verbs") == 0


@pytest.mark.parametrize(("word", "number"), [
    ("Oct", 10), ("Oct.", 10), ("October", 10), ("März", 3), ("maerz", 3), ("octobre", 10),
    ("diciembre", 12), ("października", 10), ("августа", 8), ("juin", 6), ("mei", 5),
    ("3月", 3), ("十二月", 12), ("desember", 12),
])
def test_month_number(word: str, number: int) -> None:
    assert month_number(word) == number


def test_month_number_other_words() -> None:
    assert month_number("tweet") is None
    assert month_number("") is None
    assert month_number("mar", "es") == 3
    assert month_number("may", "de") is None  # English, not German


def test_month_names_agree_across_languages() -> None:
    seen: dict[str, tuple[int, str]] = {}
    for lang in lexicon.languages():
        for number, names in enumerate(lexicon.language(lang).months, start=1):
            for name in names:
                if name in seen:
                    assert seen[name][0] == number, (name, lang, seen[name])
                seen.setdefault(name, (number, lang))


@pytest.mark.parametrize(("text", "script"), [
    ("The ferry is back on Monday.", "latin"),
    ("Паром вернётся в понедельник, https://t.co/AbCd @ferry_hb", "cyrillic"),  # links left out
    ("नौका सोमवार से फिर चलेगी।", "devanagari"),
    ("フェリーは月曜日に再開します", "cjk"),
    ("2024 — 10:15", None),
])
def test_script_of(text: str, script: str | None) -> None:
    assert lexicon.script_of(text) == script


def test_writing_differs_by_script_or_by_two_known_languages() -> None:
    english = lexicon.Writing.of("We are sorry for the disruption and we will be back on the water soon.")
    german = lexicon.Writing.of("Wir entschuldigen uns für die Störung und sind bald wieder auf dem Wasser.")
    russian_short = lexicon.Writing.of("Паром вернётся.")
    english_short = lexicon.Writing.of("Back Monday.")
    assert english.differs(german) and english.differs(russian_short)
    assert not english.differs(english_short)  # too short to tell a language: same script, same writing
    assert not english.differs(english)
