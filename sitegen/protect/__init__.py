"""Machine-readable rights and opt-out signals: everything that tells machines "no AI training".

``licensing_url(urls)`` and ``acquire_licence_url(urls)`` are the addresses the
image pipeline embeds (xmpRights:WebStatement, plus:LicensorURL); importing them
from here keeps every rights statement pointing at the same page.
"""

from .licensing import acquire_licence_url, licensing_url

__all__ = ["acquire_licence_url", "licensing_url"]
