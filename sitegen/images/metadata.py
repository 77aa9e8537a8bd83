"""What a published file says about itself: rights, credit and the AI reservation, nothing private.

Derivatives never inherit the source's metadata (Pillow writes EXIF and XMP
only when given them). Instead each file gets a fresh EXIF block (Artist,
Copyright, and camera settings only on request, from a whitelist: never GPS,
serial numbers or owner names) and an XMP packet with the IPTC/PLUS rights
fields that Google Images and rights-aware tools read
(reference: shared/reference/ai-optout.md section 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from PIL import ExifTags, Image

PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"

# Camera/exposure fields a photographer may choose to publish. Whitelisted so
# that everything else (GPS, BodySerialNumber, CameraOwnerName, MakerNote...) is dropped.
CAMERA_BASE_TAGS = (ExifTags.Base.Make, ExifTags.Base.Model)
CAMERA_EXIF_TAGS = (
    ExifTags.Base.LensMake,
    ExifTags.Base.LensModel,
    ExifTags.Base.FocalLength,
    ExifTags.Base.FocalLengthIn35mmFilm,
    ExifTags.Base.FNumber,
    ExifTags.Base.ExposureTime,
    ExifTags.Base.ISOSpeedRatings,
    ExifTags.Base.ExposureBiasValue,
    ExifTags.Base.DateTimeOriginal,
)


@dataclass(frozen=True)
class Rights:
    creator: str
    notice: str  # e.g. "© 2026 Jane Doe. All rights reserved."
    marked: bool  # True: rights-managed; False: public domain / CC0
    credit: str
    web_statement: str | None = None  # the licence page (absolute URL)
    licensor_url: str | None = None  # where to license
    usage_terms: str | None = None  # e.g. "CC BY 4.0: https://creativecommons.org/licenses/by/4.0/"
    data_mining: str | None = None  # a PLUS code such as "DMI-PROHIBITED-AIMLTRAINING"
    other_constraints: str | None = None


@dataclass(frozen=True)
class Description:
    title: str | None = None
    caption: str | None = None
    alt: str | None = None
    keywords: tuple[str, ...] = field(default_factory=tuple)


def camera_exif(source: Image.Exif) -> dict[str, dict[int, object]]:
    """The whitelisted camera fields of a source's EXIF, as plain values a job can carry."""
    base = {int(t): source[t] for t in CAMERA_BASE_TAGS if t in source}
    sub = source.get_ifd(ExifTags.IFD.Exif)
    exif = {int(t): sub[t] for t in CAMERA_EXIF_TAGS if t in sub}
    return {"base": base, "exif": exif}


def exif_bytes(rights: Rights | None, camera: dict[str, dict[int, object]] | None) -> bytes | None:
    """A fresh EXIF block; no Orientation tag because the pixels are already upright."""
    exif = Image.Exif()
    if rights is not None:
        # EXIF "ASCII" fields hold UTF-8 in practice (exiftool, Lightroom); Pillow would turn "©" into "?".
        exif[ExifTags.Base.Artist] = rights.creator.encode("utf-8")
        exif[ExifTags.Base.Copyright] = rights.notice.encode("utf-8")
    if camera:
        for tag, value in camera.get("base", {}).items():
            exif[int(tag)] = value
        if camera.get("exif"):
            ifd = exif.get_ifd(ExifTags.IFD.Exif)
            for tag, value in camera["exif"].items():
                ifd[int(tag)] = value
    if not len(exif):
        return None
    return exif.tobytes()


def _alt(tag: str, text: str) -> str:
    return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt></{tag}>'


def xmp_packet(rights: Rights | None, description: Description | None, identifier: str | None = None) -> bytes | None:
    """An XMP packet with the rights (IPTC Core/Extension, PLUS), description fields and the photo's ISCC.

    The ISCC goes in ``dc:identifier``, where registries and the ISCC tools look for it, so a
    copy still carrying its XMP names the declaration bound to it.
    """
    attrs: list[str] = []
    elements: list[str] = []
    if rights is not None:
        attrs.append(f"xmpRights:Marked={quoteattr('True' if rights.marked else 'False')}")
        if rights.web_statement:
            attrs.append(f"xmpRights:WebStatement={quoteattr(rights.web_statement)}")
        if rights.credit:
            attrs.append(f"photoshop:Credit={quoteattr(rights.credit)}")
        if rights.data_mining:
            attrs.append(f"plus:DataMining={quoteattr(PLUS_VOCAB + rights.data_mining)}")
        elements.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(rights.creator)}</rdf:li></rdf:Seq></dc:creator>")
        elements.append(_alt("dc:rights", rights.notice))
        if rights.usage_terms:
            elements.append(_alt("xmpRights:UsageTerms", rights.usage_terms))
        if rights.other_constraints:
            elements.append(_alt("plus:OtherConstraints", rights.other_constraints))
        if rights.licensor_url:
            elements.append(
                '<plus:Licensor><rdf:Seq><rdf:li rdf:parseType="Resource">'
                f"<plus:LicensorURL>{escape(rights.licensor_url)}</plus:LicensorURL>"
                "</rdf:li></rdf:Seq></plus:Licensor>"
            )
    if description is not None:
        if description.title:
            elements.append(_alt("dc:title", description.title))
        if description.caption:
            elements.append(_alt("dc:description", description.caption))
        if description.alt:
            elements.append(_alt("Iptc4xmpCore:AltTextAccessibility", description.alt))
        if description.keywords:
            items = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in description.keywords)
            elements.append(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
    if identifier:
        elements.append(f"<dc:identifier>{escape(identifier)}</dc:identifier>")
    if not attrs and not elements:
        return None
    body = "\n   ".join(attrs)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '   xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '   xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"\n'
        '   xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"\n'
        '   xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"\n'
        '   xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"\n'
        f"   {body}>\n"
        f"   {''.join(elements)}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    data = packet.encode("utf-8")
    if len(data) > 60_000 and description is not None:
        # JPEG allows one 64 KB XMP segment: an essay-length caption must not cost the rights fields.
        return xmp_packet(rights, Description(title=description.title, alt=description.alt), identifier)
    return data
