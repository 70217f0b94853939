"""What a Dask worker runs: pages in, plain results out. No archive, no network.

Each page is analysed as ``postlink add`` analyses it (analysis.extract, analysis.analyse),
with the empty ArchiveView a worker has; the writer revises the result against the archive.
A page that fails becomes a Failure with the error's text, so one hostile page never costs
the rest of its chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from postlink.analysis import Analysis, ArticleInput, analyse, extract
from postlink.errors import PostlinkError


@dataclass(frozen=True)
class Failure:
    """Why a page could not be analysed: ``what: why`` as the error said it."""

    error: str


def analyse_pages(articles: Sequence[ArticleInput]) -> list[Analysis | Failure]:
    """One result per article, in order."""
    return [analyse_page(article) for article in articles]


def analyse_page(article: ArticleInput) -> Analysis | Failure:
    try:
        return analyse(extract(article))
    except PostlinkError as exc:
        return Failure(str(exc))
    except Exception as exc:  # a bug meeting a hostile page: reported, and the batch goes on
        return Failure(f"{article.url}: extraction failed ({type(exc).__name__}: {exc}); "
                       "please report it with the page")
