"""Which ``Host`` names the preview answers: a defence against DNS rebinding.

Separate from the server because the rule is a pure decision on a header
value and the address the socket got, tested without a socket, and the
preview command also asks whether a bound address is loopback-only.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost"})


def _wildcard(address: str) -> bool:
    return address in ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class HostRule:
    """The names a request's ``Host`` may carry: only names that lead to this server.

    A page on another site can make a browser send requests here under its own
    name (DNS rebinding: ``evil.example`` re-resolved to 127.0.0.1), and then
    read the answers as same-origin. A name the preview does not know is
    therefore refused. IP literals cannot be rebound (the page's origin is the
    address itself), so loopback addresses are always fine, and every address
    when the server listens on all of them.
    """

    names: frozenset[str]
    any_address: bool = False

    @classmethod
    def for_bind(cls, host: str, bound: str) -> HostRule:
        """``host`` as given with ``--host``, ``bound`` the address the socket got."""
        names = set(LOOPBACK_NAMES)
        for name in (host, bound):
            if name and not _wildcard(name):
                names.add(name.strip("[]").lower().rstrip("."))
        if _wildcard(host) or _wildcard(bound):
            machine = socket.gethostname().lower().rstrip(".")
            if machine:
                names.update({machine, machine.split(".")[0], machine.split(".")[0] + ".local"})
            return cls(frozenset(names), any_address=True)
        return cls(frozenset(names))

    def allows(self, authority: str) -> bool:
        """``authority``: a Host header value, ``name`` or ``name:port`` (IPv6 in brackets)."""
        value = authority.strip().lower()
        if value.startswith("["):
            name, bracket, port = value[1:].partition("]")
            if not bracket or (port and not re.fullmatch(r":\d{1,5}", port)):
                return False
        else:
            name, colon, port = value.partition(":")
            if colon and not re.fullmatch(r"\d{1,5}", port):
                return False
        if name.endswith("."):  # "localhost." is "localhost"
            name = name[:-1]
        if not name:
            return False
        if name in self.names:
            return True
        try:
            address = ipaddress.ip_address(name.split("%", 1)[0])
        except ValueError:
            return False
        return self.any_address or address.is_loopback


def is_loopback(address: str) -> bool:
    """Whether a bound address is reachable from this computer only."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False
