"""The Dask side: a client on a local or existing cluster, and an ordered, bounded map.

``open_client(None, workers)`` starts a ``dask.distributed.LocalCluster`` on loopback (one
single-threaded worker process per core unless ``workers`` says otherwise: extraction holds
the GIL); ``open_client("tcp://host:8786", None)`` joins any running cluster, whose workers
need postlink installed (``pip install 'postlink[batch]'``).

``map_ordered`` keeps at most ``window`` chunks on the cluster and hands their results back
in the order the chunks were given, so the writer stores pages in input order.
"""

from __future__ import annotations

import importlib.util
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dask
from distributed import Client, LocalCluster

from postlink.errors import ConfigError

C = TypeVar("C")
WORKER_WAIT = 30.0  # seconds a --scheduler's cluster has to show one worker


@contextmanager
def open_client(scheduler: str | None, workers: int | None,
                *, processes: bool = True) -> Iterator[Client]:
    """A Dask client, closed (with its local cluster, if one was started) on exit."""
    if scheduler:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            raise ConfigError(f"{scheduler}: cannot reach a Dask scheduler ({exc}); start one "
                              "(`dask scheduler`) or fix --scheduler / [batch] scheduler") from exc
        try:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except TimeoutError as exc:
                raise ConfigError(f"{scheduler}: no Dask worker joined in {WORKER_WAIT:g} s; "
                                  f"start some with `dask worker {scheduler}`") from exc
            yield client
        finally:
            client.close()
        return
    # loopback only; in-process workers (tests) talk over inproc:// and need no host
    where = {"host": "127.0.0.1"} if processes else {}
    # A worker's statistical profiler samples every thread's stack each 10 ms, holding the GIL
    # the extraction needs; the dashboard's profile page is what is lost.
    with dask.config.set({"distributed.worker.profile.enabled": False}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                               dashboard_address="127.0.0.1:0", **where)
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def dashboard(client: Client) -> str | None:
    """The dashboard's address when the scheduler serves one, with a hint when the local
    cluster serves only bokeh's "please install me" page."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return None
    link = str(client.dashboard_link)
    if client.cluster is not None and importlib.util.find_spec("bokeh") is None:
        link += " (charts need bokeh: pip install 'bokeh>=3.1')"
    return link


def worker_count(client: Client) -> int:
    return sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())


def map_ordered(client: Client, function: Callable[[Any], Any], chunks: Iterable[C],
                payload: Callable[[C], Any], *, window: int
                ) -> Generator[tuple[C, Any | BaseException], None, None]:
    """``(chunk, function(payload(chunk)))`` for each chunk, in order; a task that failed
    on the cluster (a worker killed mid-task, say) gives its exception instead."""
    pending: deque[tuple[C, Any]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, client.submit(function, payload(chunk), pure=False)))
            if len(pending) >= window:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())
    finally:
        for _, future in pending:  # interrupted: nothing more is wanted
            future.cancel()


def _result(chunk: C, future: Any) -> tuple[C, Any | BaseException]:
    try:
        return chunk, future.result()
    except Exception as exc:  # the cluster's failure of this chunk; the writer records it
        return chunk, exc
