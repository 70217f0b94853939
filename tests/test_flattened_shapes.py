"""Flattened posts in the shapes copies of real articles take (written for these tests).

Each case is an article as plain text with its posts flattened: the posts must come out with
their author, text and date, and the prose around them must stay the article's sentences.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

from postlink.extract.dates import parse_date
from postlink.extract.document import extract_text


def _posts(text: str) -> list[tuple[str | None, str | None, str]]:
    return [(e.author_handle, e.date_text, e.text) for e in extract_text(text).embeds]


def _sentences(text: str) -> list[str]:
    return [s.text for s in extract_text(text).sentences]


def test_a_post_of_several_paragraphs_under_an_attribution_on_its_own_line() -> None:
    text = ("The school board voted late on Tuesday.\n\n"
            "Board member Ines Farrow explained her vote:\n\n"
            "Tonight was hard. We cut the bus budget by a third.\n\n"
            "I voted no, and I will keep asking for the money back.\n\n"
            "— Ines Farrow (@InesFarrowEd) March 12, 2024\n\n"
            "The cuts start in September.")
    assert _posts(text) == [("InesFarrowEd", "March 12, 2024",
                             "Tonight was hard. We cut the bus budget by a third.\n\n"
                             "I voted no, and I will keep asking for the money back.")]
    assert _sentences(text) == ["The school board voted late on Tuesday.",
                                "Board member Ines Farrow explained her vote:",
                                "The cuts start in September."]


def test_short_first_person_lines_above_a_same_line_attribution_are_the_post() -> None:
    text = ("The mill closed its doors on Friday.\n\n"
            "Sponsored\n\n"
            "We are not going anywhere.\n\n"
            "We will reopen in spring. — Old Mill Bakery (@OldMillBakes) June 2, 2023\n\n"
            "Staff were paid until the end of the month.")
    assert _posts(text)[0][2] == "We are not going anywhere.\n\nWe will reopen in spring."
    assert "Sponsored" in _sentences(text)


def test_a_short_intro_line_is_not_taken_into_the_post() -> None:
    text = ("Storm warning\n\n"
            "Power is out in the valley.\n\n"
            "Crews are on their way to the substation. — Valley Power (@ValleyPowerCo) May 2, 2024")
    assert _posts(text)[0][2] == "Crews are on their way to the substation."
    assert _sentences(text) == ["Storm warning", "Power is out in the valley."]


def test_blank_lines_wider_than_the_article_s_join_a_post() -> None:
    text = ("The festival opened with a parade.\n\n"
            "The organisers thanked the volunteers in a post that evening, naming every street "
            "team that had worked through the night to build the floats for the morning.\n\n"
            "Thank you all.\n\n\n\n"
            "See you next year! — Town Fest (@TownFestOrg) August 4, 2024\n\n"
            "The parade drew a record crowd.")
    assert _posts(text)[0][2] == "Thank you all.\n\nSee you next year!"


@pytest.mark.parametrize("attribution", [
    "— Pia Lund (@pialund) May 3, 2024",  # space before the dash
    "— Pia Lund (@pialund) 1714700000000",  # epoch milliseconds
    "— @pialund May 3, 2024",  # handle only
    "— Pia Lund (@pialund)",  # no date, on its own line
])
def test_attribution_shapes(attribution: str) -> None:
    text = f"Intro of the piece, long enough.\n\nThe ferry is late again.\n{attribution}\n\nOutro of the piece."
    (handle, _, post_text), = _posts(text)
    assert (handle, post_text) == ("pialund", "The ferry is late again.")
    assert _sentences(text) == ["Intro of the piece, long enough.", "Outro of the piece."]


@pytest.mark.parametrize("ending", [
    "— Pia Lund (@pialund) May 3, 2024.",  # a full stop after the date
    "— Pia Lund (@pialund)\nMay 3, 2024",  # the date on the next line
    "— Pia Lund (@pialund)\n\nMay 3, 2024",  # ... or in a paragraph of its own
    " — Pia Lund (@pialund)\n\n[May 3, 2024](https://twitter.com/pialund/status/1786400000000000000)",
])
def test_the_attribution_s_date_where_a_copy_moved_it(ending: str) -> None:
    text = f"Intro of the piece, long enough.\n\nThe ferry is late again.{ending}\n\nOutro of the piece."
    assert _posts(text) == [("pialund", "May 3, 2024", "The ferry is late again.")]
    assert _sentences(text) == ["Intro of the piece, long enough.", "Outro of the piece."]


def test_a_date_in_a_language_without_month_names_here_still_ends_an_attribution() -> None:
    # Ukrainian is not in months.toml: the date is recognised by its shape, not read
    text = "Intro of the piece, long enough.\n\nThe ferry is late again. — Pia Lund (@pialund) 3 травня 2024 р.\n\nOutro."
    (post,) = extract_text(text).embeds
    assert (post.author_handle, post.text, post.date_text) == ("pialund", "The ferry is late again.", "3 травня 2024 р.")
    assert parse_date(post.date_text) is None


def test_a_blog_byline_is_not_a_facebook_footer() -> None:
    byline = "Intro of the piece, long enough.\n\nThe ferry is late again.\n\nPosted by Admin on March 3, 2024\n\nOutro."
    assert _posts(byline) == []
    assert "The ferry is late again." in _sentences(byline)
    # Facebook's own footer names the weekday, and takes the paragraph before as the post
    footer = byline.replace("on March 3", "on Sunday, March 3").replace("Admin", "Harbour Ferry")
    assert _posts(footer) == [("Harbour Ferry", "Sunday, March 3, 2024", "The ferry is late again.")]


def test_a_date_paragraph_after_prose_stays_prose() -> None:
    text = "Intro of the piece, long enough.\n\nThe ferry is late again, riders say.\n\nMay 3, 2024\n\nOutro."
    assert _posts(text) == []
    assert "May 3, 2024" in _sentences(text)


def test_no_space_before_the_dash_and_media_link_endings() -> None:
    text = ("Intro of the piece, long enough.\n\n"
            "Look at this queue pic.twitter.com/AbCdEf123— Pia Lund (@pialund) May 3, 2024\n\n"
            "Read more https://t.co/XyZ123 — Pia Lund (@pialund) May 4, 2024")
    assert [p[2] for p in _posts(text)] == ["Look at this queue pic.twitter.com/AbCdEf123",
                                           "Read more https://t.co/XyZ123"]


def test_a_dateless_dash_inside_prose_is_not_an_attribution() -> None:
    text = "Intro of the piece, long enough.\n\nThe reply came fast - @pialund"
    assert _posts(text) == []


@pytest.mark.parametrize(("bio", "found"), [
    ("Rosa Linde reports on transport for the Courier. Follow her on X.", False),  # the writer's byline
    ("Buses are back on every route from six tomorrow.", True),  # a post whose date the copy lost
])
def test_a_dateless_handle_line_under_its_author_s_own_name_is_a_byline(bio: str, found: bool) -> None:
    text = ("The tram depot reopened after a week of repairs.\n\n"
            f"{bio}\n— Rosa Linde (@rosalinde_c)")
    assert bool(_posts(text)) is found
    assert any(s.startswith(bio.split(".")[0]) for s in _sentences(text)) is not found


def test_next_post_glued_after_the_date_of_the_previous_attribution() -> None:
    text = ("Материал о погоде.\n"
            "Snow again on the pass.\n"
            "– Ola Berg (@olaberg) 3 января 2024 г.Roads are closed till noon.\n"
            "– Road Desk (@roaddesk) 3 января 2024 г.\n"
            "Конец материала.")
    assert _posts(text) == [("olaberg", "3 января 2024 г.", "Snow again on the pass."),
                            ("roaddesk", "3 января 2024 г.", "Roads are closed till noon.")]


def test_instagram_with_its_date_lost_and_with_only_the_placeholder() -> None:
    text = ("Intro of the piece, long enough.\n\n"
            "Back on stage tonight 🎤\n\n"
            "A post shared by Lina Ray (@linaray) on\n\n"
            "She also shared a second picture.\n\n"
            "View this post on Instagram A post shared by Lina Ray (@linaray)\n\n"
            "Outro of the piece.")
    doc = extract_text(text)
    assert [(e.platform, e.text, e.truncated) for e in doc.embeds] == [
        ("instagram", "Back on stage tonight 🎤", False),
        ("instagram", "View this post on Instagram", True),  # the caption was cut away
    ]
    assert "She also shared a second picture." in [s.text for s in doc.sentences]


def test_truncated_means_cut_by_the_platform_not_the_author_s_ellipsis() -> None:
    text = ("Intro of the piece, long enough.\n\n"
            "I can't sleep… — Pia Lund (@pialund) May 3, 2024\n\n"
            "The council will decide on the new depot after a vote next… https://t.co/Mor3 — Pia Lund (@pialund) May 4, 2024")
    assert [e.truncated for e in extract_text(text).embeds] == [False, True]


def test_a_leading_date_line_is_the_article_s_date() -> None:
    doc = extract_text(" date 2024-02-29 Bridges reopen after the flood.\n\nTraffic was light.")
    assert doc.published == "2024-02-29"
    assert [s.text for s in doc.sentences] == ["Bridges reopen after the flood.", "Traffic was light."]


@pytest.mark.parametrize(("date_text", "iso"), [
    ("March 4, 2024", "2024-03-04"),
    ("Sept. 3, 2017", "2017-09-03"),
    ("4. März 2024", "2024-03-04"),
    ("4 mars 2024", "2024-03-04"),
    ("4 de marzo de 2024", "2024-03-04"),
    ("4 marzo 2024", "2024-03-04"),
    ("4 de março de 2024", "2024-03-04"),
    ("4 maart 2024", "2024-03-04"),
    ("4 marca 2024 r.", "2024-03-04"),
    ("4 марта 2024 г.", "2024-03-04"),
    ("4 mars 2024", "2024-03-04"),
    ("4. desember 2023", "2023-12-04"),
    ("2024年3月4日", "2024-03-04"),
    ("2024년 3월 4일", "2024-03-04"),  # Korean, year first like Japanese
    ("4 Mart 2024", "2024-03-04"),  # Turkish
    ("27 Aralık 2023", "2023-12-27"),
    ("4 मार्च, 2024", "2024-03-04"),  # a comma before the year
    ("4 जुल॰ 2024", "2024-07-04"),  # Hindi's abbreviation sign
    ("4 July, 2024", "2024-07-04"),
    ("4th July 2024", "2024-07-04"),  # an ordinal day before the month
    ("1er juillet 2024", "2024-07-01"),  # and in French
    ("2024. március 4.", "2024-03-04"),
    ("2024-03-04T10:30:00Z", "2024-03-04T10:30:00+00:00"),
    ("1709548200000", "2024-03-04T10:30:00+00:00"),
    ("31 February 2024", None),  # no such day
    ("Someday 4, 2024", None),  # not a month
])
def test_post_dates_in_many_languages(date_text: str, iso: str | None) -> None:
    assert parse_date(date_text) == iso


def test_no_month_form_names_two_months() -> None:
    data = tomllib.loads((files("postlink") / "lexicon" / "months.toml").read_text("utf-8"))
    seen: dict[str, int] = {}
    for lang, section in data.items():
        assert len(section["months"]) == 12, lang
        for number, forms in enumerate(section["months"], start=1):
            for form in forms:
                key = form.lower().rstrip(".")
                assert seen.setdefault(key, number) == number, f"{lang}: {form!r}"


@pytest.mark.parametrize("translation", [
    "«Деревья повалены по всей Портовой улице, оставайтесь дома», — написала полиция.",
    "„Bäume liegen quer über der Hafenstraße, bleiben Sie zu Hause“, schrieb die Polizei.",
])
def test_an_article_s_translation_under_a_post_stays_prose(translation: str) -> None:
    text = ("A storm hit the coast overnight.\n\n"
            "Trees down all along Harbour Road. Stay home if you can.\n\n"
            "— Coast Police (@CoastPolice) March 3, 2024\n\n"
            f"{translation}\n\n"
            "Forty call-outs since midnight. Thank you for your patience.\n\n"
            "— Coast Fire (@CoastFireHB) March 3, 2024")
    posts = _posts(text)
    assert [p[2] for p in posts] == ["Trees down all along Harbour Road. Stay home if you can.",
                                     "Forty call-outs since midnight. Thank you for your patience."]
    assert translation in _sentences(text)


@pytest.mark.parametrize("placeholder", [
    "View this post on Instagram", "Sieh dir diesen Beitrag auf Instagram an",
    "Diesen Beitrag auf Instagram ansehen",  # the German embed code's older wording
    "Ver essa foto no Instagram", "Dit bericht op Instagram bekijken",  # Portuguese, Dutch
])
def test_instagram_s_placeholder_on_a_line_of_its_own_is_part_of_the_post(placeholder: str) -> None:
    text = ("Die Sängerin hat sich verlobt.\n\n"
            f"{placeholder}\n\n"
            "He asked, I said yes!\n\n"
            "Ein Beitrag geteilt von Zofia Lis (@zofialis)\n\n"
            "Die Hochzeit soll im Sommer sein.")
    assert _posts(text) == [("zofialis", None, "He asked, I said yes!")]
    assert _sentences(text) == ["Die Sängerin hat sich verlobt.", "Die Hochzeit soll im Sommer sein."]


@pytest.mark.parametrize("label", ["View on Threads", "View this post on Instagram", "Ver essa foto no Instagram"])
def test_an_embed_s_label_alone_is_no_prose(label: str) -> None:
    # Threads' flattened embed is this label only; Instagram's, when the copy lost the rest
    text = f"The bakery opened a second shop.\n\n{label}\n\nQueues went round the block."
    assert _sentences(text) == ["The bakery opened a second shop.", "Queues went round the block."]
    assert extract_text(text).embeds == ()


def test_an_instagram_footer_after_a_dash_is_instagram_s() -> None:
    text = ("The singer is engaged.\n\n"
            "He asked, I said yes! — A post shared by Zofia Lis (@zofialis)\n\n"
            "The wedding is planned for the summer.")
    [post] = extract_text(text).embeds
    assert (post.platform, post.author_handle, post.author_name) == ("instagram", "zofialis", "Zofia Lis")


@pytest.mark.parametrize("footer", ["Post by @harbour.baker\n\nView on Threads",
                                    "Post by @baker@harbour.social\n\nView on Mastodon"])
def test_a_post_by_footer_broken_into_paragraphs_is_one_embed(footer: str) -> None:
    text = f"The bakery opened a second shop.\n\n{footer}\n\nQueues went round the block."
    [post] = extract_text(text).embeds
    assert post.platform == footer.rsplit(" ", 1)[1].lower()
    assert _sentences(text) == ["The bakery opened a second shop.", "Queues went round the block."]


@pytest.mark.parametrize("line", [
    "Hun vant tre gull i VM.",  # Norwegian "i" (in) is no English "I"
    "Radni pytają o koszty i harmonogram prac.",  # nor Polish "i" (and)
])
def test_an_article_s_short_line_in_another_language_is_not_first_person(line: str) -> None:
    text = ("Skiløperen Ingrid Moen legger opp etter tjue år.\n\n"
            f"{line}\n\n"
            "Twenty years on skis. Time for a new chapter. — Ingrid Moen (@IngridMoenSki) December 27, 2023")
    assert [p[2] for p in _posts(text)] == ["Twenty years on skis. Time for a new chapter."]
    assert line in _sentences(text)


@pytest.mark.parametrize("credit", ["— Photo: Jo Park (@jopark_photo)", "— Foto: Jo Park (@jopark_photo)"])
def test_a_picture_s_credit_line_is_not_a_post_s_attribution(credit: str) -> None:
    text = ("Fans waited outside the arena in the rain for three hours before the doors opened.\n\n"
            f"{credit}\n\nThe concert started late.")
    assert _posts(text) == []
    assert _sentences(text)[0].startswith("Fans waited outside the arena")


@pytest.mark.parametrize(("line", "found"), [
    ("Congratulations to the new mayor on her election. — Prime Minister Ana Duro (@PMAnaDuro)", True),
    ("Ferries run again from six! 🎉 — Harbour Ferry (@HarbourFerryHB)", True),
    ("Timetable here https://t.co/Ab12Cd — Harbour Ferry (@HarbourFerryHB)", True),
    ("Readers wrote in all week — Harbour Ferry (@HarbourFerryHB)", False),  # no sentence ends there
    ("Ferries run again from six. - Harbour Ferry (@HarbourFerryHB)", False),  # a hyphen, no date
    ("Ferries run again from six. — @HarbourFerryHB", False),  # no display name
])
def test_a_same_line_attribution_whose_date_the_copy_lost(line: str, found: bool) -> None:
    text = f"The harbour reopened on Monday.\n\n{line}\n\nCrews worked overnight."
    assert bool(_posts(text)) == found


@pytest.mark.parametrize(("sibling", "line", "found"), [
    # the copy writes "— Name (@handle)" with no date elsewhere: its lines need no sentence end
    ("Ferries run again from six! https://t.co/Ab12Cd — Harbour Ferry (@HarbourFerryHB)",
     "Four hours at the quay and nobody has said sorry — Nadia Ferro (@nadiaferro_)", True),
    ("Medical booked for Thursday. — @TransferDesk March 4, 2024",
     "Nothing is signed. Calm down everyone — @RiverEndTalk", True),
    # a sibling of the other form is no evidence for this one
    ("Medical booked for Thursday. — @TransferDesk March 4, 2024",
     "Four hours at the quay and nobody has said sorry — Nadia Ferro (@nadiaferro_)", False),
    # a hyphen is not the embed's dash
    ("Ferries run again from six! https://t.co/Ab12Cd — Harbour Ferry (@HarbourFerryHB)",
     "Four hours at the quay and nobody has said sorry - Nadia Ferro (@nadiaferro_)", False),
])
def test_a_dateless_attribution_of_a_form_the_copy_uses_elsewhere(sibling: str, line: str, found: bool) -> None:
    text = f"The harbour reopened on Monday.\n\n{sibling}\n\nPassengers were less happy.\n\n{line}\n\nCrews worked overnight."
    handles = [p[0] for p in _posts(text)]
    assert len(handles) == 1 + found
    assert any("Four hours" in s or "Nothing is signed" in s for s in _sentences(text)) != found


def test_alone_the_same_dateless_line_stays_prose() -> None:
    text = ("The harbour reopened on Monday.\n\n"
            "Four hours at the quay and nobody has said sorry — Nadia Ferro (@nadiaferro_)\n\nCrews worked overnight.")
    assert _posts(text) == []


@pytest.mark.parametrize(("line", "name", "text"), [
    ("Full time. — Lakeside FC – Official (@LakesideFC) November 4, 2023", "Lakeside FC – Official", "Full time."),
    ("Storm warning tonight — City News - Breaking (@CityNewsBrk) November 4, 2023", "City News - Breaking",
     "Storm warning tonight"),
    ("Score 2–1 at the break — Pia Lund (@pialund) November 4, 2023", "Pia Lund", "Score 2–1 at the break"),
])
def test_a_display_name_with_a_dash_of_its_own(line: str, name: str, text: str) -> None:
    [post] = extract_text(f"Match report.\n\n{line}\n\nThe second half was quieter.").embeds
    assert (post.author_name, post.text) == (name, text)


def test_a_lead_in_joined_to_its_post_by_single_newlines_stays_prose() -> None:
    text = ("Library cuts Sunday hours\n\nThe city library will close on Sundays from June.\n\n"
            "Chief librarian Ola Nyberg explained the decision in a post.\n"
            "We cannot staff seven days a week with this budget.\nWe are sorry.\n"
            "— Ola Nyberg (@olanyberg) March 20, 2024\n\n"
            "The council will review the budget in autumn.")
    assert _posts(text) == [("olanyberg", "March 20, 2024",
                             "We cannot staff seven days a week with this budget.\nWe are sorry.")]
    assert "Chief librarian Ola Nyberg explained the decision in a post." in _sentences(text)
    # without the lead-in, the block is the post, as before
    plain = text.replace("Chief librarian Ola Nyberg explained the decision in a post.\n", "")
    assert _posts(plain)[0][2] == "We cannot staff seven days a week with this budget.\nWe are sorry."


@pytest.mark.parametrize("caption", [
    "the wave that ate the car deck 🌊 #ferrylife",
    "Day one on the ferry.\n\nDay two: the storm. #ferrylife",  # a caption of two paragraphs
])
def test_a_tiktok_embed_copied_line_by_line(caption: str) -> None:
    # The embed's handle link, caption paragraph and sound link are block lines of their own.
    text = ("A deckhand's video of the storm went viral.\n\n@deckhand_jo\n\n"
            f"{caption}\n\n♬ original sound - Jo Quill\n\nThe ferry company said nobody was hurt.")
    assert _posts(text) == [("deckhand_jo", None, " ".join(caption.split()))]
    assert _sentences(text) == ["A deckhand's video of the storm went viral.",
                                "The ferry company said nobody was hurt."]


def test_a_sound_line_without_a_handle_line_above_stays_prose() -> None:
    text = "The festival ended at midnight.\n\n♬ original sound - Jo Quill\n\nFans went home."
    assert _posts(text) == []


def test_an_instagram_caption_of_several_paragraphs_under_the_placeholder_line() -> None:
    text = ("The chef closed her restaurant after twelve years.\n\nView this post on Instagram\n\n"
            "Twelve years, thousands of plates.\n\nThank you for every evening. #lastservice\n\n"
            "A post shared by Ada Moreau (@ada_moreau)\n\nThe building will be sold.")
    assert _posts(text) == [("ada_moreau", None, "Twelve years, thousands of plates.\n\n"
                                                 "Thank you for every evening. #lastservice")]
    assert _sentences(text) == ["The chef closed her restaurant after twelve years.", "The building will be sold."]
    # without the placeholder line, the article's paragraph above the caption stays prose
    bare = text.replace("View this post on Instagram\n\n", "")
    assert [p[2] for p in _posts(bare)] == ["Thank you for every evening. #lastservice"]
    assert "Twelve years, thousands of plates." in _sentences(bare)


def test_an_attribution_whose_date_a_copy_broke_onto_the_next_line() -> None:
    text = ("The Tarnby Rovers manager was sacked after a heavy home defeat.\n\n"
            "The club confirmed the news in a short statement on X.\n\n"
            "Tarnby Rovers can confirm that the manager has left. We thank him for his work.\n"
            "— Tarnby Rovers FC (@TarnbyRoversEx)\nMarch 10, 2024\n\n"
            "The manager answered a few hours later.\n\n"
            "Football is cruel. I gave this club everything. https://t.co/Gx1Ll8Ee0p\n"
            "— Sam Ellery (@samellery_ex) March 10,\n2024\n\n"
            "Fans had called for a change for weeks.\n\nIn a message to fans, Ellery said he gave everything.")
    assert _posts(text) == [
        ("TarnbyRoversEx", "March 10, 2024",
         "Tarnby Rovers can confirm that the manager has left. We thank him for his work."),
        ("samellery_ex", "March 10,\n2024", "Football is cruel. I gave this club everything. https://t.co/Gx1Ll8Ee0p")]
    assert "The club confirmed the news in a short statement on X." in _sentences(text)


@pytest.mark.parametrize(("between", "joins"), [
    ("The fire brigade had an even longer night.", False),  # speaks of "Coast Fire & Rescue"
    ("Roads are closed from the bridge to the harbour.", True),  # the post's own first paragraph
])
def test_a_paragraph_above_a_post_that_names_its_author_in_lower_case_is_prose(between: str, joins: bool) -> None:
    text = ("Storm Freya hit the coast overnight.\n\nTrees down all along Harbour Road.\n\n"
            "— Coast Police (@CoastPoliceEx) March 3, 2024\n\n"
            f"{between}\n\nForty call-outs since midnight. Thank you for your patience.\n\n"
            "— Coast Fire & Rescue (@CoastFireEx) March 3, 2024\n\nSchools open late on Monday.")
    second = _posts(text)[1][2]
    assert second.startswith(between) is joins
    assert (between in _sentences(text)) is not joins
