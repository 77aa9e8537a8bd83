"""Read back what a published image says about itself: size, private data, rights and data-mining fields.

The audit reads files it downloaded from a server it does not control, so
parsing is defensive: only the image header is decoded (no pixels), XMP with
a DOCTYPE or entity declaration is refused (no entity expansion tricks), and
every failure becomes a finding rather than an exception.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "aux": "http://ns.adobe.com/exif/1.0/aux/",
}
PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"

# (prefix, property) -> what a reader calls it; all must be present in every derivative of a rights-managed
# photo. A public-domain or CC0 photo (xmpRights:Marked False) reserves nothing, so it needs no licensor,
# constraints or data-mining prohibition (see OPEN_OPTIONAL).
RIGHTS_FIELDS = {
    ("dc", "creator"): "XMP dc:creator",
    ("dc", "rights"): "XMP dc:rights",
    ("xmpRights", "Marked"): "XMP xmpRights:Marked",
    ("xmpRights", "WebStatement"): "XMP xmpRights:WebStatement",
    ("plus", "LicensorURL"): "XMP plus:Licensor/LicensorURL",
    ("photoshop", "Credit"): "XMP photoshop:Credit",
    ("plus", "DataMining"): "XMP plus:DataMining",
    ("plus", "OtherConstraints"): "XMP plus:OtherConstraints",
}
OPEN_OPTIONAL = {("plus", "LicensorURL"), ("plus", "OtherConstraints"), ("plus", "DataMining")}
_PRIVATE_EXIF = {
    ExifTags.Base.MakerNote: "maker notes",
    ExifTags.Base.BodySerialNumber: "camera serial number",
    ExifTags.Base.LensSerialNumber: "lens serial number",
    ExifTags.Base.CameraOwnerName: "camera owner name",
}
_XMP_PACKET = re.compile(rb"<x:xmpmeta[\s>].*?</x:xmpmeta>", re.S)


@dataclass
class ImageFacts:
    format: str | None = None
    width: int = 0
    height: int = 0
    error: str | None = None  # not a readable image
    artist: str | None = None
    copyright: str | None = None
    private: list[str] = field(default_factory=list)  # "GPS position", "camera serial number", ...
    xmp: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    xmp_error: str | None = None

    @property
    def long_edge(self) -> int:
        return max(self.width, self.height)

    def first(self, prefix: str, name: str) -> str | None:
        values = self.xmp.get((prefix, name))
        return values[0] if values else None

    @property
    def rights_managed(self) -> bool:
        """False only when the file says it is not (xmpRights:Marked False: public domain, CC0)."""
        return (self.first("xmpRights", "Marked") or "").strip().lower() != "false"

    def missing_rights(self) -> list[str]:
        needed = (
            RIGHTS_FIELDS.items()
            if self.rights_managed
            else [(k, v) for k, v in RIGHTS_FIELDS.items() if k not in OPEN_OPTIONAL]
        )
        missing = [label for key, label in needed if not self.first(*key)]
        if not self.artist:
            missing.append("EXIF Artist")
        if not self.copyright:
            missing.append("EXIF Copyright")
        return missing

    def data_mining(self) -> str | None:
        value = self.first("plus", "DataMining")
        return value.removeprefix(PLUS_VOCAB) if value else None


def xmp_packet(data: bytes) -> bytes | None:
    """The XMP packet of any image format (JPEG APP1, WebP/AVIF chunk, PNG iTXt): it is plain XML in the file."""
    match = _XMP_PACKET.search(data)
    return match.group(0) if match else None


def parse_xmp(packet: bytes) -> dict[tuple[str, str], list[str]]:
    """Every property, whether written as an attribute or an element, with its values (list items unpacked)."""
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        raise ValueError("XMP contains a DOCTYPE or entity declaration")
    root = ET.fromstring(packet)
    by_uri = {uri: prefix for prefix, uri in NS.items()}
    li = f"{{{NS['rdf']}}}li"
    found: dict[tuple[str, str], list[str]] = {}

    def key_of(qname: str) -> tuple[str, str] | None:
        if not qname.startswith("{"):
            return None
        uri, _, local = qname[1:].partition("}")
        prefix = by_uri.get(uri)
        return (prefix, local) if prefix else None

    for element in root.iter():
        for attr, value in element.attrib.items():
            key = key_of(attr)
            if key and key[0] not in ("rdf", "x"):
                found.setdefault(key, []).append(value.strip())
        key = key_of(element.tag)
        if not key or key[0] in ("rdf", "x"):
            continue
        values = [item.text.strip() for item in element.iter(li) if item.text and item.text.strip()]
        if element.text and element.text.strip():
            values.insert(0, element.text.strip())
        if values:
            found.setdefault(key, []).extend(values)
    return found


def _open_header(data: bytes) -> ImageFile.ImageFile:
    """The image with its header read and no pixel decoded, whatever size the header declares.

    ``Image.open`` refuses a file declaring more pixels than Pillow's decompression-bomb limit, but
    the audit never decodes pixels: such a file is exactly what it must see (too large, maybe
    GPS-tagged). So a refused file is opened again by the format's own header reader, the one
    ``Image.open`` would have used, without that check.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        pass
    Image.init()
    prefix = data[:16]
    for name in Image.ID:
        factory, accept = Image.OPEN[name]
        accepted = accept is None or accept(prefix)
        if not accepted or isinstance(accepted, str):  # a str is Pillow's "recognised but unsupported"
            continue
        try:
            return factory(io.BytesIO(data), "")
        except (SyntaxError, IndexError, TypeError, struct.error, OSError, ValueError):
            continue
    raise UnidentifiedImageError("no image format reads this header")


def read_facts(data: bytes) -> ImageFacts:
    facts = ImageFacts()
    try:
        with _open_header(data) as image:
            facts.format = image.format
            facts.width, facts.height = image.size
            exif = image.getexif()
    except UnidentifiedImageError:
        facts.error = "not a readable image (unknown format, or damaged)"
        return facts
    except (OSError, ValueError, SyntaxError, struct.error) as exc:
        facts.error = f"not a readable image ({exc})"
        return facts
    facts.artist = str(exif.get(ExifTags.Base.Artist) or "").strip() or None
    facts.copyright = str(exif.get(ExifTags.Base.Copyright) or "").strip() or None
    if exif.get_ifd(ExifTags.IFD.GPSInfo):
        facts.private.append("GPS position")
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    for tag, label in _PRIVATE_EXIF.items():
        if sub.get(tag) or exif.get(tag):
            facts.private.append(label)
    packet = xmp_packet(data)
    if packet is not None:
        try:
            facts.xmp = parse_xmp(packet)
        except (ET.ParseError, ValueError) as exc:
            facts.xmp_error = f"unreadable XMP ({exc})"
    if any(key[0] == "exif" and key[1].startswith("GPS") and key[1] != "GPSVersionID" for key in facts.xmp):
        facts.private.append("GPS position in XMP")
    for key, label in (
        (("aux", "SerialNumber"), "camera serial number in XMP"),
        (("xmpMM", "History"), "edit history"),
    ):
        if key in facts.xmp:
            facts.private.append(label)
    return facts
