"""`postlink batch`: the pure core (analysis.py: extract, cite) over WARC files and folders of
pages on a Dask cluster, results stored by one writer into the archive or into Parquet shards.

    inputs.py   WARC/ARC records and page files -> pages (skips counted, bad records kept)
    work.py     what a worker runs: pages -> Analysis | Failure (no archive, no network)
    cluster.py  the Dask client (local or --scheduler) and an ordered, bounded map
    writer.py   the single archive writer: revise against the archive, store, mark done
    shards.py   Parquet shards (--output DIR) and reading them back (--merge DIR)
    codec.py    an Analysis as JSON for the shards
    run.py      a run: read, skip what is done, map, write; the summary

Short links are recorded, not resolved, and posts are not captured: both need the network
and its politeness (`postlink resolve`, `postlink check-posts` do them later).
Dask and pyarrow come with the optional extra: ``pip install 'postlink[batch]'``.
"""

from __future__ import annotations

import importlib.util

from postlink.errors import ConfigError

INSTALL = "pip install 'postlink[batch]'"


def require(*modules: str) -> None:
    """Raise a ConfigError naming the missing ``modules`` and how to install them."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(f"postlink batch: {', '.join(missing)} not installed; install the "
                          f"batch extra: {INSTALL}")
