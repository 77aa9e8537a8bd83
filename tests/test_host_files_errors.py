"""A failure writing a host file beside the output names that file, and loses nothing already published.

The edge functions (functions/_middleware.js, netlify/edge-functions/) and the server snippets are written
after the site is swapped in. A read-only folder is simulated where the kernel refuses the write:
these tests may run as root, whom file modes do not stop.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.protect import edge, hostfiles

from .conftest import make_photo


def _refuse_in(folder: str, code: int, names_file: bool):
    real = tempfile.mkstemp

    def mkstemp(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        where = str(kwargs.get("dir", ""))
        if where.endswith(folder):
            if names_file:  # open(2) in a read-only folder: the error names the temporary file
                raise PermissionError(code, os.strerror(code), os.path.join(where, ".x.tmp123"))
            raise OSError(code, os.strerror(code))  # write(2) on a full or read-only disk names nothing
        return real(*args, **kwargs)  # type: ignore[call-overload]

    return mkstemp


@pytest.mark.parametrize(
    ("relative", "folder", "code", "names_file"),
    [
        (edge.CLOUDFLARE_MIDDLEWARE, "functions", errno.EACCES, True),
        (edge.NETLIFY_EDGE_FUNCTION, "edge-functions", errno.EROFS, False),
        (f"{hostfiles.SERVER_CONFIG_DIR}/{hostfiles.CADDY}", hostfiles.SERVER_CONFIG_DIR, errno.ENOSPC, False),
    ],
)
def test_the_error_line_names_the_host_file_that_failed(
    site_dir: Path, run_build, monkeypatch, relative: str, folder: str, code: int, names_file: bool
) -> None:
    make_photo(site_dir / "content/g/a.jpg")
    run_build()
    for name in (hostfiles.SERVER_CONFIG_DIR, "functions", "netlify"):
        assert (site_dir / name).is_dir()
    (site_dir / relative).unlink()  # so this build writes it again
    monkeypatch.setattr(hostfiles.tempfile, "mkstemp", _refuse_in(folder, code, names_file))
    with pytest.raises(SitegenError) as info:
        run_build()
    message = str(info.value)
    assert message.startswith(f"{site_dir / relative}: "), message
    assert errno.errorcode[code] in message and "the site is published" in message
    assert "\n" not in message and ".x.tmp123" not in message
    assert (site_dir / "public/index.html").is_file()  # nothing published is lost
    assert not [p for p in (site_dir / relative).parent.iterdir() if p.name.startswith(".")]  # no temp left
