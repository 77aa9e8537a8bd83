"""``[clients]``: who may open a password-protected gallery, as bcrypt hashes only.

A plain password in sitegen.toml would end up in the repository and, on hosts that cannot hash,
in published files. So the config accepts nothing but a bcrypt hash (what ``htpasswd -nbB`` and
``caddy hash-password`` print), and a check never repeats the rejected value: it may be a password.
"""

from __future__ import annotations

import re
from typing import Any

# $2a$ / $2b$ / $2y$, a two-digit cost, 22 characters of salt and 31 of hash (bcrypt's own base64).
BCRYPT = re.compile(r"\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
USER = re.compile(r"[^:\s]{1,64}")  # htpasswd files separate the user from the hash with ':'
HOW = "make one with `htpasswd -nbB USER PASSWORD` (apache2-utils) or `caddy hash-password`"


def is_bcrypt(value: Any) -> bool:
    return isinstance(value, str) and BCRYPT.fullmatch(value) is not None


def check_logins(value: dict[str, Any]) -> str | None:
    """``{client: {user: hash}}``; the phrase names the client and user, never the value."""
    for client, users in value.items():
        if not NAME.fullmatch(client):
            return f"{client[:40]!r} is not a client name (letters, digits, '.', '_', '-')"
        if not isinstance(users, dict) or not users:
            return f"{client} must be a table of users and their bcrypt password hashes"
        for user, hashed in users.items():
            if not USER.fullmatch(user):
                return f"{client}: {user[:40]!r} is not a user name (no ':' or spaces)"
            if not is_bcrypt(hashed):
                return f"{client}.{user} must be a bcrypt hash ($2y$...), never a plain password; {HOW}"
    return None
