"""postlink: archive the social posts news articles embed and quote, and prove which sentence
quotes which post."""

from postlink.errors import ConfigError, FetchError, InputError, PostlinkError
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
