"""Test helpers that make unusual image files: wide-gamut profiles, IPTC blocks, orientation tags."""

from __future__ import annotations

import io
import struct

from PIL import Image

# Display P3 primaries adapted to D50 (the PCS), as in Apple's Display P3 profile.
P3_D50 = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))
# sRGB primaries adapted to D50.
SRGB_D50 = ((0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141))
D50 = (0.9642, 1.0, 0.8249)


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * 8 + b"\0\0\0" + b"\0" * 67


def matrix_profile(colorants=P3_D50, gamma: float = 2.2, name: str = "Test Display P3") -> bytes:
    """A minimal ICC v2 matrix/TRC RGB profile (enough for LittleCMS and browsers)."""
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [
        (b"desc", _desc(name)),
        (b"wtpt", _xyz(*D50)),
        (b"rXYZ", _xyz(*colorants[0])),
        (b"gXYZ", _xyz(*colorants[1])),
        (b"bXYZ", _xyz(*colorants[2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text\0\0\0\0CC0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while len(body) % 4:
            body += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + b"\0\0\0\0"
        + _s15(D50[0]) + _s15(D50[1]) + _s15(D50[2])
        + b"\0" * 48
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def _inverse(m):
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return (
        ((e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det),
        ((f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det),
        ((d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det),
    )


def p3_to_srgb(rgb: tuple[int, int, int], gamma: float = 2.2) -> tuple[int, ...]:
    """Independent reference conversion (matrix maths, no colour library) to check the pipeline against."""
    linear = [(v / 255) ** gamma for v in rgb]
    # colorants are columns: XYZ = sum(channel * colorant)
    xyz = [sum(linear[k] * P3_D50[k][j] for k in range(3)) for j in range(3)]
    to_rgb = _inverse(tuple(tuple(SRGB_D50[k][j] for k in range(3)) for j in range(3)))
    out = [sum(to_rgb[j][k] * xyz[k] for k in range(3)) for j in range(3)]

    def encode(v: float) -> int:
        v = min(1.0, max(0.0, v))
        v = 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
        return round(v * 255)

    return tuple(encode(v) for v in out)


def iptc_jpeg(image: Image.Image, records: dict[tuple[int, int], bytes | list[bytes]]) -> bytes:
    """A JPEG with an APP13 Photoshop block holding IPTC-IIM records (Pillow cannot write these)."""
    iim = b""
    for (record, dataset), values in records.items():
        for value in values if isinstance(values, list) else [values]:
            iim += bytes([0x1C, record, dataset]) + struct.pack(">H", len(value)) + value
    if len(iim) % 2:
        iim += b"\0"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iim)) + iim
    payload = b"Photoshop 3.0\0" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[:2] + segment + data[2:]


def quadrants(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """Four distinct colours, so any rotation or flip is visible: red TL, green TR, blue BL, yellow BR."""
    w, h = size
    image = Image.new("RGB", size)
    image.paste((255, 0, 0), (0, 0, w // 2, h // 2))
    image.paste((0, 255, 0), (w // 2, 0, w, h // 2))
    image.paste((0, 0, 255), (0, h // 2, w // 2, h))
    image.paste((255, 255, 0), (w // 2, h // 2, w, h))
    return image


def corner_colours(image: Image.Image) -> tuple[tuple[int, ...], ...]:
    """Colours near the four corners (TL, TR, BL, BR), snapped to 0/255 to ignore JPEG noise."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    points = [(w // 8, h // 8), (w - 1 - w // 8, h // 8), (w // 8, h - 1 - h // 8), (w - 1 - w // 8, h - 1 - h // 8)]
    return tuple(tuple(255 if c > 127 else 0 for c in rgb.getpixel(p)) for p in points)  # type: ignore[union-attr]
