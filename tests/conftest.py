"""Fixtures shared by the whole test suite.

The network guard makes any socket use by a test an error: pypolicy promises to work
offline and never to fetch a JSON-LD context, and a test that silently reached the
network would hide a broken promise (and be slow and flaky besides).

Hypothesis runs derandomised by default (profile ``ci``): every run tries the same
examples, so CI cannot go red by luck. ``HYPOTHESIS_PROFILE=explore`` searches at
random with ten times the examples and keeps what it finds in ``.hypothesis/``, to be
replayed and then pinned as explicit tests (see test_properties.py).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import settings

# No deadline in either: the SHACL and RDF steps take tens to hundreds of milliseconds
# and vary with the machine's load. "ci" keeps no example database either (a database
# would make a run depend on the one before). Each property sizes its own max_examples
# through strategies.examples(), which scales it by the profile's max_examples / 100
# (and by PYPOLICY_HYPOTHESIS_SCALE).
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=1000, deadline=None,
                          print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO_ROOT = Path(__file__).resolve().parents[1]


class NetworkAccessBlocked(BaseException):
    """A test tried to use the network.

    A BaseException, so that library code catching ``Exception`` or ``OSError`` around
    a fetch (as urllib and rdflib do) cannot swallow it.
    """


_attempts: list[str] = []


def _refuse(what: str) -> NoReturn:
    _attempts.append(what)
    raise NetworkAccessBlocked(f"tests must not use the network: {what}")


def _is_local_socket(sock: socket.socket) -> bool:
    unix = getattr(socket, "AF_UNIX", None)
    return unix is not None and sock.family == unix


@pytest.fixture(scope="session", autouse=True)
def _no_network() -> Iterator[None]:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        if _is_local_socket(self):
            real_connect(self, address)
            return
        _refuse(f"socket.connect({address!r})")

    def connect_ex(self: socket.socket, address: Any) -> int:
        if _is_local_socket(self):
            return real_connect_ex(self, address)
        _refuse(f"socket.connect_ex({address!r})")

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"socket.create_connection({address!r})")

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"socket.getaddrinfo({host!r}, {port!r})")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket.socket, "connect_ex", connect_ex)
        patch.setattr(socket, "create_connection", create_connection)
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


@pytest.fixture(autouse=True)
def network_attempts() -> Iterator[list[str]]:
    """The network attempts of the running test; any left at its end fail it.

    This catches an attempt even where the code under test swallowed the exception. A
    test that provokes attempts on purpose clears this list once it has checked it.
    """
    _attempts.clear()
    yield _attempts
    if _attempts:
        attempts = list(_attempts)
        _attempts.clear()
        pytest.fail(f"the test tried to use the network: {attempts}")


@pytest.fixture(scope="session")
def network_error() -> type[BaseException]:
    """The exception the network guard raises, for tests of the guard itself."""
    return NetworkAccessBlocked


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The top of the source checkout (where schema/, examples/ and docs/ are)."""
    return REPO_ROOT
