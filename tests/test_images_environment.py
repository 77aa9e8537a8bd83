"""Errors of the machine (disk full, permissions, read-only, I/O) stop the build; only bad files are skipped."""

from __future__ import annotations

import errno

import pytest

from sitegen.errors import is_environment_error


@pytest.mark.parametrize(
    "code", [errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO, errno.EMFILE, errno.ENFILE]
)
def test_environment_errnos_are_recognised(code):
    assert is_environment_error(OSError(code, "x"))


@pytest.mark.parametrize(
    "exc",
    [
        OSError("image file is truncated"),  # Pillow's decode errors carry no errno
        OSError(errno.ENOENT, "gone"),
        OSError(errno.EINVAL, "bad"),
        ValueError("Decompressed data too large"),
        SyntaxError("not a PNG file"),
        MemoryError(),
    ],
)
def test_problems_of_one_file_are_not_the_environment(exc):
    assert not is_environment_error(exc)
