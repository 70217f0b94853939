"""Gate: flattened posts and article sentences of the real plain-text corpus.

Each ``../shared/corpus/real/text/NNN.txt`` is read the way ``postlink add NNN.txt`` reads it,
and checked against its truth file ``NNN.json`` (the folder's README defines the fields): the
posts (count, order, platform, author, text, truncation, date), no post text in the article's
sentences, and every labelled sentence fragment inside exactly one article sentence. The
corpus is third-party text kept outside the repository; without it these tests skip.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from postlink.config import Config
from postlink.extract.dates import parse_date
from postlink.extract.model import Document
from postlink.pipeline import extract, read_input

TEXT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real" / "text"
FILES = sorted(TEXT_CORPUS.glob("*.json")) if TEXT_CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(
    not FILES, reason=f"plain-text corpus not found at {TEXT_CORPUS} (it lives outside the repo, in ../shared)")


def _read(truth_path: Path) -> tuple[dict, str, Document]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    path = truth_path.with_name(truth["file"])
    article = read_input(str(path), url=None, offline=True, config=Config())
    return truth, path.read_text(encoding="utf-8"), extract(article)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _expected_date(date_text: str) -> tuple[int, int | None, int]:
    """Year, month (None when the test cannot read the month word) and day of a date text."""
    try:
        d = datetime.strptime(date_text, "%B %d, %Y")  # English dates, read by the standard library
        return d.year, d.month, d.day
    except ValueError:
        year = re.search(r"\d{4}", date_text)
        day = re.search(r"(?<!\d)\d{1,2}(?!\d)", date_text)
        assert year and day, f"cannot read the truth date {date_text!r}"
        return int(year.group()), None, int(day.group())


def _post_problems(truth: dict, doc: Document) -> list[str]:
    problems = []
    got, want = list(doc.embeds), truth["posts"]
    if len(got) != len(want):
        problems.append(f"{len(got)} posts found, {len(want)} expected: "
                        f"{[e.author_handle for e in got]} vs {[p['author_handle'] for p in want]}")
    for n, (e, p) in enumerate(zip(got, want, strict=False)):
        where = f"post {n + 1} (@{p['author_handle']})"
        for field, value in (("platform", e.platform), ("author_handle", e.author_handle),
                             ("author_name", e.author_name), ("truncated", e.truncated),
                             ("date_text", e.date_text)):
            if value != p.get(field):
                problems.append(f"{where}: {field} {value!r}, expected {p.get(field)!r}")
        if not _squash(e.text).startswith(_squash(p["text_starts"])):
            problems.append(f"{where}: text starts {e.text[:60]!r}, expected {p['text_starts']!r}")
        created = parse_date(e.date_text)
        if p.get("date_text"):
            year, month, day = _expected_date(p["date_text"])
            if created is None:
                problems.append(f"{where}: no created_at from {p['date_text']!r}")
            else:
                d = datetime.fromisoformat(created)
                if (d.year, d.day) != (year, day) or month not in (None, d.month):
                    problems.append(f"{where}: created_at {created} from {p['date_text']!r}")
        elif created is not None:
            problems.append(f"{where}: created_at {created} without a date")
    return problems


def _sentence_problems(truth: dict, doc: Document) -> list[str]:
    problems = []
    sentences = [_squash(s.text) for s in doc.sentences]
    # A sentence that is a piece of a post's text is the post leaking into the article (an
    # article quoting a post has its own words or quote marks around the post's).
    posts = [_squash(e.text) for e in doc.embeds]
    problems += [f"post text in sentence {i}: {s[:80]!r}" for i, s in enumerate(sentences)
                 if len(s) >= 12 and any(s in p for p in posts)]
    labelled = [(kind, item) for kind in ("citations", "must_not_cite", "neutral")
                for item in truth.get(kind, []) if item.get("sentence_contains")]
    for kind, item in labelled:
        fragment = _squash(item["sentence_contains"])
        hits = [i for i, s in enumerate(sentences) if fragment in s]
        wanted = item.get("occurrences", 1)
        if len(hits) != wanted:
            problems.append(f"{kind} fragment {fragment!r} in {len(hits)} sentences, expected {wanted}")
    return problems


@pytest.mark.parametrize("truth_path", FILES, ids=[p.stem for p in FILES])
def test_flattened_posts_match_the_truth(truth_path: Path) -> None:
    truth, _, doc = _read(truth_path)
    problems = _post_problems(truth, doc)
    assert not problems, f"{truth['file']}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("truth_path", FILES, ids=[p.stem for p in FILES])
def test_labelled_sentences_are_article_sentences(truth_path: Path) -> None:
    truth, _, doc = _read(truth_path)
    problems = _sentence_problems(truth, doc)
    assert not problems, f"{truth['file']}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("truth_path", FILES, ids=[p.stem for p in FILES])
def test_a_leading_date_line_is_the_article_date(truth_path: Path) -> None:
    truth, raw, doc = _read(truth_path)
    dated = re.match(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)", raw)
    if dated is None:
        assert doc.published is None
        return
    assert doc.published == dated.group(1)
    assert not any(s.text.lstrip().startswith("date ") for s in doc.sentences)
    assert dated.group(1) not in doc.text
