"""Run network tests in a loopback-only network namespace, so no packet can leave the machine.

Tests marked ``@live`` open real sockets (loopback servers, the address guard, redirects to
private and metadata addresses). Outside the namespace they are skipped, and one test per file
(``run_in_netns(__file__)``) re-runs that file with pytest inside ``unshare -rn`` after bringing
up ``lo``. In there only 127.0.0.0/8 and ::1 exist: even a broken guard that tried
169.254.169.254 or a real DNS server would get "network unreachable" instead of sending a
packet. ``assert_isolated()`` checks that before any live test runs.

Run them by hand with:
    unshare -rn sh -c 'ip link set lo up && POSTLINK_NETNS=1 .venv/bin/pytest tests/test_unshorten.py'
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

INSIDE = os.environ.get("POSTLINK_NETNS") == "1"
REPO = Path(__file__).resolve().parents[1]

live = pytest.mark.skipif(not INSIDE, reason="live network test: runs inside a loopback-only "
                                             "namespace through run_in_netns")


def assert_isolated() -> None:
    """Fail unless a non-loopback destination is unreachable (no route: nothing is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1; a UDP connect only picks a route
    except OSError as exc:
        assert exc.errno == errno.ENETUNREACH, exc
        return
    finally:
        probe.close()
    raise AssertionError("a non-loopback route exists: live tests must run in the namespace")


def run_in_netns(test_file: str, timeout: float = 120) -> None:
    """Run ``test_file``'s live tests with pytest inside ``unshare -rn``; fail with its output."""
    if INSIDE:
        pytest.skip("already inside the namespace")
    missing = [tool for tool in ("unshare", "ip") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed (util-linux, iproute2): the network "
                    "tests need a loopback-only namespace", pytrace=False)
    script = 'ip link set lo up && exec "$0" -m pytest -q -p no:cacheprovider "$@"'
    proc = subprocess.run(
        ["unshare", "-rn", "sh", "-c", script, sys.executable, test_file],
        env={**os.environ, "POSTLINK_NETNS": "1"}, cwd=REPO, capture_output=True, text=True,
        timeout=timeout, check=False)
    if proc.returncode != 0:
        pytest.fail(f"live tests in the namespace failed:\n{proc.stdout}\n{proc.stderr}",
                    pytrace=False)
