"""Small images carrying the rights metadata the image pipeline embeds (written here with Pillow's xmp=/exif=).

Used to test the audit's image checks independently of sitegen's image
pipeline: the fields and namespaces follow the IPTC / PLUS / XMP reference
the pipeline implements.
"""

from __future__ import annotations

from pathlib import Path

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

FIELDS = ("creator", "rights", "marked", "statement", "licensor", "credit", "mining", "constraints")


def rights_xmp(
    statement: str = "https://example.com/licensing/",
    mining: str = "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    drop: tuple[str, ...] = (),
    gps: bool = False,
) -> bytes:
    attrs = {
        "mining": f'plus:DataMining="http://ns.useplus.org/ldf/vocab/{mining}"',
        "marked": 'xmpRights:Marked="True"',
        "statement": f'xmpRights:WebStatement="{statement}"',
        "credit": 'photoshop:Credit="Jane Doe"',
    }
    elements = {
        "creator": "<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>",
        "rights": '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Jane Doe</rdf:li></rdf:Alt></dc:rights>',
        "constraints": '<plus:OtherConstraints><rdf:Alt><rdf:li xml:lang="x-default">No AI training.'
        "</rdf:li></rdf:Alt></plus:OtherConstraints>",
        "licensor": '<plus:Licensor><rdf:Seq><rdf:li rdf:parseType="Resource"><plus:LicensorURL>'
        f"{statement}#license-a-photo</plus:LicensorURL></rdf:li></rdf:Seq></plus:Licensor>",
    }
    gps_attr = ' exif:GPSLatitude="48,51.0N"' if gps else ""
    body = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
        + "".join(f" {v}" for k, v in attrs.items() if k not in drop)
        + gps_attr
        + ">"
        + "".join(v for k, v in elements.items() if k not in drop)
        + "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' + body + '<?xpacket end="w"?>').encode()


def rights_exif(artist: bool = True, gps: bool = False, serial: bool = False) -> Image.Exif:
    exif = Image.Exif()
    if artist:
        exif[ExifTags.Base.Artist] = "Jane Doe"
        exif[ExifTags.Base.Copyright] = "© 2026 Jane Doe"
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
        exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 0.0)
    if serial:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SN123456"
    return exif


def write_rights_image(
    path: Path,
    size: tuple[int, int] = (64, 48),
    fmt: str | None = None,
    *,
    xmp: bytes | None = None,
    exif: Image.Exif | None = None,
) -> Path:
    """An image file with the given (default: complete) rights metadata; format from the suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (90, 120, 150))
    xmp = rights_xmp() if xmp is None else xmp
    exif = rights_exif() if exif is None else exif
    fmt = fmt or {".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP", ".avif": "AVIF", ".png": "PNG"}[path.suffix]
    if fmt == "PNG":
        info = PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        image.save(path, fmt, exif=exif, pnginfo=info)
    else:
        image.save(path, fmt, exif=exif, xmp=xmp)
    return path
