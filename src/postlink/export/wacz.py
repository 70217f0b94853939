"""The WARC export packed as WACZ 1.1 (py-wacz): the WARC, a CDXJ index, the article pages and
a datapackage with every file's sha256, so ReplayWeb.page and pywb open it as it is.

py-wacz is an optional extra (``pip install 'postlink[wacz]'``): it brings frictionless and
its dependencies, which nothing else in postlink needs.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from postlink.errors import InputError, PostlinkError
from postlink.export.selection import Selection
from postlink.export.warc import WarcSummary, write_warc
from postlink.store import Store

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Archived articles"}


def write_wacz(store: Store, sel: Selection, path: Path) -> WarcSummary:
    """Write the selection as a WACZ file at ``path``."""
    try:
        from wacz.main import main as wacz_main
    except ImportError:
        raise InputError("--format wacz: the wacz package is not installed; install it with "
                         "pip install 'postlink[wacz]'") from None
    with tempfile.TemporaryDirectory(prefix="postlink-wacz-") as tmp:
        warc = Path(tmp) / "postlink.warc.gz"
        pages = Path(tmp) / "pages.jsonl"
        seen: set[str] = set()  # one page per article URL, however many versions
        with warc.open("wb") as out, pages.open("w", encoding="utf-8") as listing:
            listing.write(json.dumps(PAGES_HEADER) + "\n")

            def page(url: str, date: str, title: str | None) -> None:
                if url not in seen:
                    seen.add(url)
                    listing.write(json.dumps({"url": url, "title": title or url}) + "\n")

            summary = write_warc(store, sel, out, gzip=True, filename=warc.name, on_page=page)
        pages_args = ["-p", str(pages)] if seen else ["--detect-pages"]
        said = io.StringIO()  # py-wacz reports its steps on stdout: shown only on failure
        with contextlib.redirect_stdout(said):
            code = wacz_main(["create", "-o", str(path), str(warc), *pages_args,
                              "--hash-type", "sha256", "--title", "postlink export"])
        if code != 0:
            raise PostlinkError(f"{path}: py-wacz could not pack the WARC "
                                f"({said.getvalue().strip()[-300:]}); the WARC export works "
                                "without it: --format warc")
    return summary
