"""The parent of `serve --workers N` shares connections out by how many each worker holds
(`web.handed.Dealer`), with the workers played here by the far ends of its socket pairs."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from web.handed import CLOSED, HANDED, Dealer


@pytest.fixture
def dealer() -> Iterator[Dealer]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    found = Dealer(listener, 3)
    for theirs in found.theirs:
        theirs.setblocking(False)  # as a worker's server reads it
    yield found
    found.close()


def handed(dealer: Dealer) -> int:
    """Connect a client; the worker its connection was handed to."""
    with socket.create_connection(dealer.listener.getsockname()[:2]):
        for _ in range(100):
            dealer.poll(0.1)
            for i, theirs in enumerate(dealer.theirs):
                if theirs.fileno() == -1:  # a worker played as gone
                    continue
                try:
                    message, fds, _, _ = socket.recv_fds(theirs, 16, 4)
                except BlockingIOError:
                    continue
                assert message == HANDED and len(fds) == 1
                socket.socket(fileno=fds[0]).close()
                return i
    raise AssertionError("the connection was handed to no worker")


def test_connections_go_round_while_the_workers_hold_as_many(dealer: Dealer) -> None:
    assert [handed(dealer) for _ in range(7)] == [0, 1, 2, 0, 1, 2, 0]
    assert dealer.open == [3, 2, 2]


def test_a_worker_that_closes_connections_gets_the_next_ones(dealer: Dealer) -> None:
    for _ in range(6):
        handed(dealer)
    for _ in range(2):
        dealer.theirs[1].send(CLOSED)
    dealer.poll(5.0)
    assert dealer.open == [2, 0, 2]
    assert [handed(dealer) for _ in range(3)] == [1, 1, 2]


def test_a_worker_that_is_gone_gets_none(dealer: Dealer) -> None:
    dealer.theirs[0].close()
    dealer.poll(5.0)  # sees it gone
    assert [handed(dealer) for _ in range(4)] == [1, 2, 1, 2]
