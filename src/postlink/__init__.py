"""postlink: archive the social posts news articles embed and quote, and prove which sentence
quotes which post."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postlink.errors import ConfigError, FetchError, InputError, PostlinkError

if TYPE_CHECKING:
    from postlink.extract.document import Document, extract_html, extract_text

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Document",
    "FetchError",
    "InputError",
    "PostlinkError",
    "__version__",
    "extract_html",
    "extract_text",
]

# The extraction stack (trafilatura, blingfire, numpy) costs half a second to import; commands
# that only read the archive (audit, posts, search, list, status) never need it (issue 15).
_LAZY = {"Document": "postlink.extract.model", "extract_html": "postlink.extract.document",
         "extract_text": "postlink.extract.document"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'postlink' has no attribute {name!r}")
