"""Pure citation resolving: which article sentences quote, restate or link which posts."""
