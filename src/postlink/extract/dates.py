"""Dates as posts' attribution lines write them, in any language of lexicon/months.toml.

    December 27, 2023 · Dec 27, 2023 at 15:09 · 27. Dezember 2023 · 26 de diciembre de 2022
    13 августа 2016 г. · 2023年12月2日 · 2016. augusztus 13. · 2024-04-21T06:09:13Z
    1703635200000 (epoch milliseconds, as some archives keep a post's time)

``DATE`` is a regular-expression fragment for these forms (flattened.py builds its attribution
patterns with it); ``parse_date`` turns one into an ISO date. Month names are data: a language
is a section of months.toml, read once through postlink.lexicon.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from postlink.lexicon import month_table


def _load_months() -> tuple[dict[str, int], list[str], list[str]]:
    """Every month form (lower case, no dot) -> month number; connectors; year suffixes."""
    forms: dict[str, int] = {}
    connectors: set[str] = set()
    suffixes: set[str] = set()
    for lang in month_table().values():
        for number, names in enumerate(lang["months"], start=1):
            for name in names:
                forms[name.lower().rstrip(".")] = number
        connectors.update(lang.get("connectors", ()))
        suffixes.update(lang.get("year_suffix", ()))
    return forms, sorted(connectors), sorted(suffixes, key=len, reverse=True)


MONTHS, _CONNECTORS, _YEAR_SUFFIXES = _load_months()


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A month form, then its abbreviation dot if any; case-insensitive, and never part of a longer word.
_MONTH = rf"(?i:(?:{_alternation(list(MONTHS))})(?![^\W\d_])\.?)"
_CONNECT = rf"(?:\s+(?:{_alternation(_CONNECTORS)}))?" if _CONNECTORS else ""
_SUFFIX = rf"(?:\s?(?:{_alternation(_YEAR_SUFFIXES)}))?" if _YEAR_SUFFIXES else ""
_TIME = r"(?:,?\s+(?:at|à|um|a las|às|alle|om|kl\.)\s+\d{1,2}[:.h]\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?)?"
_DAY = r"\d{1,2}(?:st|nd|rd|th|er)?"  # "27th", French "1er"

# Day, month and year in the orders languages write them, then an optional time of day.
_NAMED = (
    rf"(?:{_MONTH}\s*{_DAY},?\s+\d{{4}}{_SUFFIX}"  # December 27, 2023
    rf"|{_DAY}\.?{_CONNECT}\s+{_MONTH}{_CONNECT},?\s+\d{{4}}{_SUFFIX}"  # 27 December 2023, 26 de diciembre de 2022
    rf"|\d{{4}}(?:年|년|\.)?\s*{_MONTH}\s*\d{{1,2}}(?:日|일|\.)?)"  # 2023年12月2日, 2023년 12월 2일, 2016. augusztus 13.
)
_ISO = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_EPOCH_MS = r"1\d{12}(?!\d)"

# A date this module can read: known month names, ISO, epoch milliseconds.
KNOWN_DATE = rf"(?:{_NAMED}{_TIME}|{_ISO}|{_EPOCH_MS})"
# Also a word-month date in a language months.toml does not have yet (recognised, not read).
_ANY_MONTH_WORD = r"[^\W\d_][^\W\d_.]{1,11}\.?"
# ... and the abbreviation some languages write after the year ("2024 р.", "2024 г.").
_ANY_SUFFIX = r"(?:\s?[^\W\d_]{1,2}\.)?"
DATE = (rf"(?:{KNOWN_DATE}|{_ANY_MONTH_WORD}\s+\d{{1,2}},?\s+\d{{4}}{_TIME}"
        rf"|\d{{1,2}}\.?\s+{_ANY_MONTH_WORD}\s+\d{{4}}{_ANY_SUFFIX}{_TIME})")

_READ = re.compile(
    rf"(?P<m1>{_MONTH})\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|er)?\.?{_CONNECT}\s+(?P<m2>{_MONTH}){_CONNECT},?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})(?:年|년|\.)?\s*(?P<m3>{_MONTH})\s*(?P<d3>\d{{1,2}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})(?P<isotime>T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|(?P<ms>{_EPOCH_MS})"
)


def parse_date(text: str | None) -> str | None:
    """The ISO date (or UTC timestamp, when the text has the time) a date text names, else None."""
    if not text:
        return None
    m = _READ.search(text)
    if m is None:
        return None
    if m["ms"]:
        return datetime.fromtimestamp(int(m["ms"]) / 1000, UTC).isoformat()
    if m["iso"]:
        try:
            if m["isotime"]:
                return datetime.fromisoformat(m["iso"] + m["isotime"]).isoformat()
            return date.fromisoformat(m["iso"]).isoformat()
        except ValueError:
            return None
    for i in "123":
        if m[f"m{i}"]:
            month = MONTHS[m[f"m{i}"].lower().rstrip(".")]
            try:
                return date(int(m[f"y{i}"]), month, int(m[f"d{i}"])).isoformat()
            except ValueError:
                return None  # 31 February: a date we cannot trust
    return None
