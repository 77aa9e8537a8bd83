"""Camera facts in the words a photographer uses, and titles that are only a camera's file name.

The probe keeps EXIF as the camera wrote it (``"NIKON CORPORATION"``,
``"70.0-200.0 mm f/2.8"``, an exposure of ``"10/2500"``); this module turns it
into "Nikon D4 · 70–200 mm f/2.8 · 1/250 s · ISO 400" when a page is rendered.
Keeping the raw values in the probe cache means a better wording here needs no
re-probe of every photo. Everything here is pure and works on untrusted text:
each value is bounded and comes back as :class:`~sitegen.untrusted.Untrusted`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction

from ..untrusted import Untrusted

_LONGEST = 80  # characters of one fact; longer is not a camera's name but someone's note

# Makes whose usual spelling no rule below finds: the EXIF Make, upper-cased, to the name.
_MAKES = {
    "OM DIGITAL SOLUTIONS": "OM System",
    "EASTMAN KODAK COMPANY": "Kodak",
    "CASIO COMPUTER CO.,LTD.": "Casio",
    "CASIO COMPUTER CO.,LTD": "Casio",
    "SEIKO EPSON CORP.": "Epson",
    "KONICA MINOLTA": "Konica Minolta",
    "KONICA MINOLTA CAMERA, INC.": "Konica Minolta",
    "HMD GLOBAL": "Nokia",
    "GOPRO": "GoPro",
    "FLIR": "FLIR",
    "DJI": "DJI",
    "LG ELECTRONICS": "LG",
    "HTC": "HTC",
    "RICOH IMAGING COMPANY, LTD.": "Ricoh",
    "PHASE ONE": "Phase One",
    "PHASE ONE A/S": "Phase One",
}
# Words of a company's legal name that are not the brand: "NIKON CORPORATION", "OLYMPUS IMAGING CORP.".
_LEGAL = re.compile(
    r"[\s,]+(?:corporation|corp\.?|co\.?|ltd\.?|limited|inc\.?|ag|gmbh|company|imaging|camera|a/s|s\.a\.)(?=[\s,]|$)",
    re.IGNORECASE,
)
# Brands whose cameras are sold under another maker's name: a model "PENTAX K-1" from RICOH is a Pentax.
_BRANDS = {"PENTAX": "Pentax", "HASSELBLAD": "Hasselblad", "LEICA": "Leica", "NIKON": "Nikon", "CANON": "Canon"}


def _clean(value: str | None) -> str:
    """One line, single spaces, bounded; "" for nothing or for a value too long to be a name."""
    text = " ".join(Untrusted(value or "").split())
    return "" if len(text) > _LONGEST else text


def make_name(make: str | None) -> str:
    """The brand as it spells itself: "NIKON CORPORATION" -> "Nikon", "SONY" -> "Sony", "DJI" stays."""
    raw = _clean(make)
    if not raw:
        return ""
    known = _MAKES.get(raw.upper())
    if known:
        return known
    name = raw
    while (shorter := _LEGAL.sub("", name, count=1).strip(" ,")) and shorter != name:
        name = shorter
    known = _MAKES.get(name.upper())
    if known:
        return known
    # Shouted names read as names; short ones are initials (LG, DJI, HTC) and stay as they are.
    if name.isupper() and len(name.replace(" ", "")) > 3:
        name = " ".join(word.capitalize() if len(word) > 3 else word for word in name.split())
    elif name.islower():  # "samsung"
        name = " ".join(word.capitalize() for word in name.split())
    return name


def camera_name(make: str | None, model: str | None) -> str:
    """Brand and model once each: ("Canon", "Canon EOS R5") -> "Canon EOS R5", ("NIKON CORPORATION", "NIKON D4")
    -> "Nikon D4"."""
    brand, rest = make_name(make), _MARK.sub(lambda m: " " + _ROMAN[m[1]], _clean(model))
    if not rest:
        return brand
    words = {w.casefold() for w in (brand, _clean(make).split(" ")[0] if make else "") if w}
    first, _, after = rest.partition(" ")
    while first.casefold() in words and after:  # "Canon Canon EOS R5": the make said again, maybe twice
        rest = after
        first, _, after = rest.partition(" ")
    if first.upper() in _BRANDS and after:
        return f"{_BRANDS[first.upper()]} {after}"
    return f"{brand} {rest}" if brand else rest


_MARK = re.compile(r"_([2-4])$")  # Nikon writes the Z6 II as "NIKON Z 6_2"
_ROMAN = {"2": "II", "3": "III", "4": "IV"}
_ZEROS = re.compile(r"(?<![\d.])(\d+)\.(\d*?)0+(?![\d.])")  # 70.0 -> 70, 2.80 -> 2.8
_RANGE = re.compile(r"(\d)\s*-\s*(\d)")  # 70-200 -> 70–200 (an en dash, as in print)
_MM = re.compile(r"(\d)\s*mm\b", re.IGNORECASE)  # 200mm -> 200 mm


def _trim_zeros(text: str) -> str:
    return _ZEROS.sub(lambda m: m[1] + ("." + m[2] if m[2] else ""), text)


def lens_name(lens: str | None, make: str | None = None) -> str:
    """ "70.0-200.0 mm f/2.8" -> "70–200 mm f/2.8"; "OLYMPUS M.12-40mm F2.8" -> "Olympus M.12–40 mm F2.8".

    The maker's own spelling of the product otherwise stays ("EF70–200 mm f/2.8L IS II USM").
    A lens a camera could not identify ("0.0 mm f/0.0", "----") is no fact at all.
    """
    text = _clean(lens)
    if not text or re.fullmatch(r"[-\s0./fmF]*", text):
        return ""
    text = _MM.sub(r"\1 mm", _RANGE.sub(r"\1–\2", _trim_zeros(text)))
    first, _, after = text.partition(" ")
    brand = make_name(first) if first.isupper() and len(first) > 3 else ""
    if brand and after and (first.upper() in _BRANDS or brand == make_name(make)):
        text = f"{brand} {after}"
    return text


def _number(value: str | None) -> Fraction | None:
    try:
        number = Fraction(_clean(value))
    except (ValueError, ZeroDivisionError):
        return None
    return number if 0 < number < 100_000 else None


def focal_length(value: str | None) -> str:
    """35.0 -> "35 mm"; a phone's 4.25 -> "4.3 mm" (tenths matter below 10 mm)."""
    mm = _number(value)
    if mm is None:
        return ""
    return f"{round(float(mm))} mm" if mm >= 10 else f"{round(float(mm), 1):g} mm"


def aperture(value: str | None) -> str:
    """2.8 -> "f/2.8", 2.80 -> "f/2.8", 8.0 -> "f/8"."""
    f = _number(value)
    return f"f/{round(float(f), 1):g}" if f is not None else ""


def exposure(value: str | None) -> str:
    """Shutter time as cameras show it: 1/250 s, 1/2 s (not 0.5 s), 1/3 s (for 0.3 s), 1/2.5 s, 0.8 s, 2 s."""
    t = _number(value)
    if t is None:
        return ""
    if t >= 1:
        return f"{round(float(t), 1):g} s"
    inverse = 1 / t
    nearest = round(inverse)
    # Cameras step in thirds of a stop and round what they store: 3/10 s is the "1/3" on the dial.
    if inverse >= 10 or abs(inverse - nearest) <= Fraction(12, 100) * nearest:
        return f"1/{nearest} s"
    if inverse < Fraction(5, 2):  # 0.6 s and 0.8 s read better than 1/1.7 s and 1/1.2 s
        return f"{round(float(t), 1):g} s"
    return f"1/{round(float(inverse), 1):g} s"


def iso(value: str | None) -> str:
    number = _number(value)
    return f"ISO {round(number)}" if number is not None and number >= 1 else ""


def facts(raw: Mapping[str, str]) -> dict[str, Untrusted]:
    """The probe's raw EXIF values as shown: camera, lens, focal_length, aperture, exposure, iso.

    A fact that cannot be read well is left out rather than shown raw.
    """
    shown = {
        "camera": camera_name(raw.get("make"), raw.get("model")),
        "lens": lens_name(raw.get("lens"), raw.get("make")),
        "focal_length": focal_length(raw.get("focal_length")),
        "aperture": aperture(raw.get("aperture")),
        "exposure": exposure(raw.get("exposure")),
        "iso": iso(raw.get("iso")),
    }
    return {key: Untrusted(value) for key, value in shown.items() if value}


# File names cameras and phones give their photos: DSC_0001, _DSC1234, IMG_1234, _MG_1234, DSCF1234, P1010001,
# GOPR0001, PXL_20240101_123456789, IMG_20240101_123456, 20240101_123456; also with " copy", "-2", "-Edit".
_CAMERA_FILE = re.compile(
    r"(?:_?(?:dsc[a-z]?|_?dsc|img|mg|imgp|cimg|pict|sam|sdc|hpim|kif|mvi|dji|gopr|g[hx]\d\d|pxl|pano|vid|"
    r"p\d{3}|r\d{3}|l\d{3}|z\d{2})[ _-]?e?\d{3,}(?:[ _-]\d+)*"
    r"|\d{8}[ _-]\d{6})"
    r"(?:[ _.-]*(?:mp|portrait|night|hdr|pano|edit(?:ed)?|copy|\d{1,3}))*",
    re.IGNORECASE,
)


def is_camera_file_name(title: str | None) -> bool:
    """Whether a title is only the name a camera gave the file (so it says nothing to a visitor)."""
    text = " ".join(str(title or "").split())
    return bool(text) and len(text) <= 60 and _CAMERA_FILE.fullmatch(text) is not None


__all__ = ["aperture", "camera_name", "exposure", "facts", "focal_length", "is_camera_file_name", "iso", "lens_name"]
