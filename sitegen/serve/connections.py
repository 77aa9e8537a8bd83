"""The preview's open connections: deadlines on reading requests, and a table to cap them.

Separate from the request handling because these are the bounds that keep one
slow or hostile client from costing more than its own thread: the headers of a
request have a deadline (not just a per-``recv`` timeout), a kept-alive
connection waits for its next request only so long, and the server knows
which connections are idle so it can close one to make room at the cap.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from collections.abc import Callable
from typing import Any


class DeadlineReader(io.RawIOBase):
    """The connection's reading side, with two clocks instead of one per-``recv`` timeout.

    Waiting for the next request on a kept-alive connection may take
    ``idle`` seconds; once its first byte is in, the request line and headers
    must be complete within ``header`` seconds in total. A per-``recv`` timeout
    alone lets a client that sends one byte every minute hold a thread for
    ever (slowloris).
    """

    def __init__(self, sock: socket.socket, idle: float, header: float, send: float) -> None:
        self.sock = sock
        self.idle, self.header, self.send = idle, header, send
        self.deadline: float | None = None
        self.waiting = True  # between requests: the connection may be closed to make room

    def readable(self) -> bool:
        return True

    def await_request(self) -> None:
        self.deadline, self.waiting = None, True

    def request_started(self) -> None:
        self.waiting = False
        if self.deadline is None:
            self.deadline = time.monotonic() + self.header

    def readinto(self, buffer: Any) -> int:
        if self.deadline is None:
            timeout = self.idle
        else:
            timeout = self.deadline - time.monotonic()
            if timeout <= 0:
                raise TimeoutError("request headers took too long")
        self.sock.settimeout(timeout)
        try:
            count = self.sock.recv_into(buffer)
        finally:
            self.sock.settimeout(self.send)  # what the response's writes may wait
        if count and self.deadline is None:
            self.request_started()
        return count


class Connections:
    """The connections being served, oldest first, each with its reader.

    One lock guards the table: admitting a connection at the cap, closing an
    idle one to make room, and counting them happen atomically.
    """

    def __init__(self) -> None:
        self._conns: dict[socket.socket, DeadlineReader] = {}  # oldest first
        self._conns_lock = threading.Lock()

    @property
    def open(self) -> int:
        with self._conns_lock:
            return len(self._conns)

    @property
    def idle(self) -> int:
        with self._conns_lock:
            return sum(1 for reader in self._conns.values() if reader.waiting and reader.deadline is None)

    def reader_for(self, sock: socket.socket, new_reader: Callable[[socket.socket], DeadlineReader]) -> DeadlineReader:
        with self._conns_lock:
            reader = self._conns.get(sock)
        if reader is None:  # a connection handed over by other means than process_request
            reader = new_reader(sock)
        return reader

    def admit(self, sock: Any, limit: int, new_reader: Callable[[socket.socket], DeadlineReader]) -> bool:
        """Take ``sock`` on unless ``limit`` connections are open and none of them is idle."""
        with self._conns_lock:
            if len(self._conns) >= limit and not self._evict_idle():
                return False
            self._conns[sock] = new_reader(sock)
            return True

    def _evict_idle(self) -> bool:
        """Close one connection that is waiting for its next request (caller holds the lock)."""
        for sock, reader in self._conns.items():
            if reader.waiting and reader.deadline is None:
                reader.waiting = False
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                return True
        return False

    def forget(self, sock: Any) -> None:
        with self._conns_lock:
            self._conns.pop(sock, None)

    def shut_all(self) -> None:
        """End every connection's reading side, so its thread finishes now rather than at its timeout."""
        with self._conns_lock:
            for sock in self._conns:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
