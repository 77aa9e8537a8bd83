"""Images copied from ``static/`` (and theme assets) lose their private metadata on the way out.

Photos in ``content/`` are re-encoded, so nothing of the original file is
published. Files in ``static/`` are published as they are (a favicon, a logo,
a picture for the about page), and a JPEG straight from a phone carries its
GPS position, camera serial numbers and embedded previews. So, on the way
out:

* JPEG, PNG and WebP keep their image data, colour profile and orientation
  byte for byte; EXIF, XMP, IPTC, comments, text chunks and anything appended
  after the image are left out. A file that has none of those is published
  unchanged, byte for byte.
* TIFF, HEIC/HEIF and AVIF cannot be cleaned without re-encoding: they are
  published unchanged when they carry no GPS, XMP, IPTC, maker notes, serial
  numbers or owner name, and refused (with a warning naming what was found)
  when they do. A file sitegen cannot read to check is refused too.
* Other files (SVG, ICO, GIF, fonts, CSS...) are copied unchanged.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field

from PIL import Image

_JPEG = (".jpg", ".jpeg", ".jpe", ".jfif")
_CHECK_ONLY = (".tif", ".tiff", ".heic", ".heif", ".avif")
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}

_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_PRIVATE_EXIF = {
    0x927C: "maker notes",
    0xA430: "owner name",
    0xA431: "camera serial number",
    0xA435: "lens serial number",
}


class ScrubError(ValueError):
    """The file cannot be checked for private metadata, so it is not published."""


@dataclass
class Scrubbed:
    data: bytes
    removed: list[str] = field(default_factory=list)  # what was left out, in words; empty: data is the input


def _exif_words(tiff: bytes) -> tuple[list[str], int]:
    """What an EXIF block holds that matters (GPS...), and its orientation (1 when unknown)."""
    exif = Image.Exif()
    try:
        exif.load(tiff)
        gps = bool(exif.get_ifd(_GPS_IFD))
        inner = exif.get_ifd(_EXIF_IFD)
    except Exception:  # malformed EXIF: it is dropped either way
        return ["EXIF"], 1
    words = ["GPS position"] if gps else []
    words += [name for tag, name in _PRIVATE_EXIF.items() if tag in inner or tag in exif]
    orientation = exif.get(0x0112, 1)
    return [f"EXIF ({', '.join(words)})" if words else "EXIF"], orientation if orientation in range(2, 9) else 1


def _orientation_tiff(orientation: int) -> bytes:
    """A minimal EXIF block holding only the orientation, so a cleaned photo is not shown sideways."""
    return b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">HHHIHHI", 1, 0x0112, 3, 1, orientation, 0, 0)


def _jpeg(data: bytes) -> Scrubbed:
    if not data.startswith(b"\xff\xd8"):
        raise ScrubError("not a valid JPEG file")
    out = [b"\xff\xd8"]
    removed: list[str] = []
    orientation = 1
    pos = 2
    n = len(data)
    while True:
        if pos + 2 > n or data[pos] != 0xFF:
            raise ScrubError("not a valid JPEG file (damaged marker)")
        while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos + 1]
        if marker == 0xD9:  # end of image: whatever follows (previews, vendor trailers) is left out
            out.append(b"\xff\xd9")
            if pos + 2 < n:
                removed.append("data after the image (embedded previews)")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > n:
            raise ScrubError("not a valid JPEG file (truncated)")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > n:
            raise ScrubError("not a valid JPEG file (truncated)")
        segment = data[pos:end]
        body = data[pos + 4 : end]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            words, found = _exif_words(body[6:])
            removed += words
            orientation = found if found != 1 else orientation
        elif marker == 0xE1:
            removed.append("XMP")
        elif marker == 0xED:
            removed.append("IPTC")
        elif marker == 0xFE:
            removed.append("comment")
        elif marker == 0xE2 and not body.startswith(b"ICC_PROFILE\x00"):
            removed.append("embedded previews (MPF)" if body.startswith(b"MPF\x00") else "APP2 data")
        elif 0xE3 <= marker <= 0xEF and marker != 0xEE:
            removed.append(f"APP{marker - 0xE0} data")
        else:
            out.append(segment)
        pos = end
        if marker == 0xDA:  # start of scan: copy the entropy-coded data up to the next real marker
            scan = pos
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= n:
                    raise ScrubError("not a valid JPEG file (no end of image)")
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    pos += 1 if following == 0xFF else 2
                    continue
                break
            out.append(data[scan:pos])
    if not removed:
        return Scrubbed(data)
    if orientation != 1:
        tiff = b"Exif\x00\x00" + _orientation_tiff(orientation)
        at = 2 if out[1].startswith(b"\xff\xe0") else 1  # after SOI, or after a leading JFIF APP0
        out.insert(at, b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff)
    return Scrubbed(b"".join(out), list(dict.fromkeys(removed)))


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png(data: bytes) -> Scrubbed:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ScrubError("not a valid PNG file")
    out = [data[:8]]
    removed: list[str] = []
    orientation = 1
    pos = 8
    while True:
        if pos + 8 > len(data):
            raise ScrubError("not a valid PNG file (truncated)")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise ScrubError("not a valid PNG file (truncated)")
        if kind in _PNG_DROP:
            if kind == b"eXIf":
                words, orientation = _exif_words(data[pos + 8 : pos + 8 + length])
                removed += words
            else:
                removed.append("text chunks" if kind != b"tIME" else "time stamp")
        else:
            if kind == b"IDAT" and orientation != 1:
                out.append(_png_chunk(b"eXIf", _orientation_tiff(orientation)))
                orientation = 1
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            if pos < len(data):
                removed.append("data after the image")
            break
    if not removed:
        return Scrubbed(data)
    return Scrubbed(b"".join(out), list(dict.fromkeys(removed)))


def _webp(data: bytes) -> Scrubbed:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ScrubError("not a valid WebP file")
    chunks: list[list[bytes]] = []
    removed: list[str] = []
    orientation = 1
    pos = 12
    while pos + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        if len(body) != size:
            raise ScrubError("not a valid WebP file (truncated)")
        if kind == b"EXIF":
            words, orientation = _exif_words(body)
            removed += words
        elif kind == b"XMP ":
            removed.append("XMP")
        else:
            chunks.append([kind, body])
        pos += 8 + size + (size & 1)
    if not removed:
        return Scrubbed(data)
    for chunk in chunks:
        if chunk[0] == b"VP8X":
            flags = chunk[1][0] & ~0x0C | (0x08 if orientation != 1 else 0)
            chunk[1] = bytes([flags]) + chunk[1][1:]
    if orientation != 1 and any(c[0] == b"VP8X" for c in chunks):
        chunks.append([b"EXIF", _orientation_tiff(orientation)])
    body = b"WEBP" + b"".join(k + struct.pack("<I", len(b)) + b + (b"\x00" if len(b) & 1 else b"") for k, b in chunks)
    return Scrubbed(b"RIFF" + struct.pack("<I", len(body)) + body, list(dict.fromkeys(removed)))


def _private_in(data: bytes) -> list[str]:
    """What a TIFF/HEIC/AVIF file carries that must not be published, read with Pillow."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            info = dict(image.info)
            found = ["GPS position"] if exif.get_ifd(_GPS_IFD) else []
            inner = exif.get_ifd(_EXIF_IFD)
    except Exception as exc:  # any decoder failure means "cannot check"
        raise ScrubError(f"cannot read it to check for private metadata ({type(exc).__name__})") from None
    found += [name for tag, name in _PRIVATE_EXIF.items() if tag in inner or tag in exif]
    if 700 in exif or info.get("xmp") or info.get("XML:com.adobe.xmp"):
        found.append("XMP")
    if 33723 in exif:
        found.append("IPTC")
    return found


def is_checked(suffix: str) -> bool:
    """Whether files with this suffix go through :func:`scrub` (others are copied as they are)."""
    return suffix.lower() in (*_JPEG, ".png", ".webp", *_CHECK_ONLY)


def scrub(data: bytes, suffix: str) -> Scrubbed:
    """The bytes to publish for a static file named ``*suffix``; raises :class:`ScrubError` to refuse it."""
    suffix = suffix.lower()
    if suffix in _JPEG:
        return _jpeg(data)
    if suffix == ".png":
        return _png(data)
    if suffix == ".webp":
        return _webp(data)
    if suffix in _CHECK_ONLY:
        found = _private_in(data)
        if found:
            raise ScrubError(
                f"it carries {', '.join(found)}, which sitegen cannot remove from a {suffix} file without "
                "re-encoding it; remove the metadata, or put the photo in content/"
            )
    return Scrubbed(data)
