"""Keyword pages (issue 15 §2): keywords read from real XMP and IPTC blocks and from sidecars, bounded
as untrusted text, selected by ``[keywords]``, published as pages, and never published otherwise."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from sitegen.content.keywords import assign_slugs, fold
from sitegen.errors import ContentError, Reporter
from sitegen.images.probe import KEYWORD_LENGTH, MAX_KEYWORDS, PROBE_VERSION, ProbeCache, SourceInfo, probe
from sitegen.output.preview import PreviewFolder
from sitegen.pipeline.build import build
from sitegen.pipeline.session import BuildSession

from .conftest import make_photo
from .imagetools import iptc_jpeg

# What Lightroom Classic writes (keywords "Iceland" under Places, a client under Clients), with the
# tags darktable adds to lr:hierarchicalSubject for itself.
LIGHTROOM_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000, 0000/00/00-00:00:00">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>Iceland</rdf:li>
     <rdf:li>waterfall</rdf:li>
     <rdf:li>Smith wedding</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <lr:hierarchicalSubject>
    <rdf:Bag>
     <rdf:li>Places|Europe|Iceland</rdf:li>
     <rdf:li>Clients|Smith wedding</rdf:li>
     <rdf:li>darktable|format|jpg</rdf:li>
     <rdf:li>Subjects|Basalt columns</rdf:li>
    </rdf:Bag>
   </lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def xmp_jpeg(packet: str, size: tuple[int, int] = (96, 64), colour: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", xmp=packet.encode("utf-8"))
    return buffer.getvalue()


def subject_xmp(*keywords: str) -> str:
    items = "".join(f"<rdf:li>{k}</rdf:li>" for k in keywords)
    return LIGHTROOM_XMP.split("<dc:subject>")[0] + (
        f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
    )


# --- reading --------------------------------------------------------------------------------


def test_lightroom_xmp_gives_flat_keywords_and_hierarchies_without_darktables_own(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(xmp_jpeg(LIGHTROOM_XMP))
    info = probe(path)
    assert info.keywords == ["Iceland", "waterfall", "Smith wedding"]
    assert info.keyword_paths == ["Places|Europe|Iceland", "Clients|Smith wedding", "Subjects|Basalt columns"]


def test_iptc_keywords_are_read_and_xmp_wins_when_both_are_there(tmp_path):
    image = Image.new("RGB", (64, 48), (10, 100, 200))
    only_iptc = tmp_path / "iptc.jpg"
    only_iptc.write_bytes(iptc_jpeg(image, {(2, 25): [b"harbour", "b\xc3\xa5de".encode("latin-1"), b"boats"]}))
    assert probe(only_iptc).keywords == ["harbour", "både", "boats"]
    both = tmp_path / "both.jpg"
    with_xmp = Image.open(io.BytesIO(xmp_jpeg(subject_xmp("from xmp"))))
    data = iptc_jpeg(image, {(2, 25): [b"from iptc"]})
    both.write_bytes(data)
    assert probe(both).keywords == ["from iptc"]
    both.write_bytes(xmp_jpeg(subject_xmp("from xmp")))
    assert probe(both).keywords == ["from xmp"] and with_xmp.info.get("xmp")


def test_embedded_keywords_are_bounded_untrusted_text(tmp_path):
    many = [f"word {i}" for i in range(MAX_KEYWORDS * 5)]
    odd = ["  two\n lines\t", "x" * (KEYWORD_LENGTH + 1), "<b>bold</b>", "TWO LINES", ""]
    path = tmp_path / "a.jpg"
    from xml.sax.saxutils import escape

    path.write_bytes(xmp_jpeg(subject_xmp(*(escape(k) for k in odd + many))))
    info = probe(path)
    assert info.keywords[:3] == ["two lines", "<b>bold</b>", "word 0"]  # "TWO LINES" is the same keyword
    assert len(info.keywords) == MAX_KEYWORDS
    assert all(len(k) <= KEYWORD_LENGTH and "\n" not in k for k in info.keywords)
    assert type(info.keywords[1]).__name__ == "Untrusted"
    # XML cannot hold control characters; IIM can.
    path.write_bytes(iptc_jpeg(Image.new("RGB", (8, 8)), {(2, 25): [b"bell\x07\x1b[31m", b"\x00", b"ok"]}))
    assert probe(path).keywords == ["bell[31m", "ok"]


def test_the_probe_cache_of_an_older_version_is_not_trusted(tmp_path):
    assert PROBE_VERSION == 4  # 4: keyword_paths, bounded keywords
    path = tmp_path / "a.jpg"
    path.write_bytes(xmp_jpeg(LIGHTROOM_XMP))
    cache = ProbeCache(tmp_path / "cache")
    cache.get(path)
    cache.save()
    assert (tmp_path / "cache/probe-v4.json").is_file()
    again = ProbeCache(tmp_path / "cache").get(path)
    assert again.keyword_paths == probe(path).keyword_paths
    entry = dict(ProbeCache(tmp_path / "cache").entries[str(path)]["info"])
    del entry["keyword_paths"]  # what a v2 cache holds
    try:
        SourceInfo.from_json(entry)
    except ValueError:
        pass
    else:
        raise AssertionError("a probe without keyword_paths was accepted")


# --- which keywords get pages ---------------------------------------------------------------


def test_slugs_are_distinct_and_stable():
    two = assign_slugs([fold("Black & White"), fold("black-white")])
    assert two[fold("black-white")] == "black-white"
    assert two[fold("Black & White")].startswith("black-white-") and len(set(two.values())) == 2
    three = assign_slugs([fold("Black & White"), fold("black-white"), fold("Black/White")])
    assert three[fold("Black & White")] == two[fold("Black & White")]  # a third keyword changes no URL
    assert len(set(three.values())) == 3
    alone = assign_slugs([fold("Black & White")])
    assert alone == {fold("Black & White"): "black-white"}
    assert all(s.startswith("keyword-") for s in assign_slugs(["!!!", "???"]).values())
    assert len(set(assign_slugs(["!!!", "???"]).values())) == 2
    tricky = assign_slugs(["a b", "a-b", "a-b-" + assign_slugs(["a b", "a-b"])["a b"].split("-")[-1]])
    assert len(set(tricky.values())) == 3
    assert all("/" not in s and ".." not in s for s in assign_slugs(["../../etc", "a/b"]).values())


def keyword_site(site_dir: Path, write, config: str = "") -> None:
    """Four photos: embedded (XMP, IPTC) and sidecar keywords, a client and a person among them."""
    (site_dir / "content/north").mkdir(parents=True, exist_ok=True)
    (site_dir / "content/north/falls.jpg").write_bytes(xmp_jpeg(LIGHTROOM_XMP, colour=(40, 90, 160)))
    (site_dir / "content/north/coast.jpg").write_bytes(
        xmp_jpeg(subject_xmp("iceland", "Waterfall", "Anna Berg", "coast"), colour=(90, 40, 160))
    )
    (site_dir / "content/north/harbour.jpg").write_bytes(
        iptc_jpeg(Image.new("RGB", (80, 60), (160, 90, 40)), {(2, 25): [b"Iceland", b"Anna Berg", b"harbour"]})
    )
    make_photo(site_dir / "content/south/dunes.jpg")
    write("content/south/dunes.md", "---\ntitle: Dunes\nkeywords: [Waterfall, sand, Unique words]\n---\n")
    write(
        "sitegen.toml",
        '[site]\nbase_url = "https://example.com/"\n[metadata]\nembed_captions = true\n'
        f"[keywords]\nenabled = true\n{config}",
    )


def published_bytes(public: Path) -> dict[str, bytes]:
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*") if p.is_file()}


def nowhere(public: Path, *words: str) -> None:
    """No file of the output (pages, sitemap, feed, image files' XMP and EXIF) holds any of ``words``."""
    files = published_bytes(public)
    assert any(name.endswith((".jpg", ".webp")) for name in files)
    for word in words:
        for variant in {word, word.lower()}:
            found = [name for name, data in files.items() if variant.encode("utf-8") in data]
            assert not found, f"{variant!r} published in {found}"


def test_pages_for_shared_keywords_only_and_nothing_private_anywhere(site_dir, write, run_build):
    keyword_site(site_dir, write, 'ignore = ["clients", "anna berg"]\n')
    _, reporter = run_build()
    assert not reporter.errors
    public = site_dir / "public"
    pages = sorted(p.parent.name for p in (public / "keywords").glob("*/index.html"))
    assert pages == ["iceland", "waterfall"]  # 3 photos each; "coast", "sand" and the rest are on one
    # Ignored ("Anna Berg"), hidden by its hierarchy (Clients|Smith wedding), on one photo only.
    nowhere(public, "Anna Berg", "Smith wedding", "Clients", "Basalt columns", "Unique words", "harbour<", "darktable")
    index = (public / "keywords/index.html").read_text("utf-8")
    assert 'href="/keywords/iceland/"' in index and "3 photos" in index
    # The spelling most photos use: "Iceland" twice, "iceland" once; "Waterfall" twice.
    assert ">Iceland<" in index and ">Waterfall<" in index
    page = (public / "keywords/waterfall/index.html").read_text("utf-8")
    assert '<ul class="grid" role="list" data-lightbox' in page and "/theme/gallery." in page
    assert page.count('class="grid-item"') == 3
    for photo in ("north/falls/", "north/coast/", "south/dunes/"):
        assert f'href="/{photo}"' in page
    assert '<meta name="robots" content="noai, noimageai">' in page  # base.html's protections
    assert 'rel="canonical" href="https://example.com/keywords/waterfall/"' in page
    photo_page = (public / "north/falls/index.html").read_text("utf-8")
    assert '<a href="/keywords/iceland/" rel="tag">Iceland</a>' in photo_page
    assert '<a href="/keywords/waterfall/" rel="tag">Waterfall</a>' in photo_page
    harbour = (public / "north/harbour/index.html").read_text("utf-8")
    assert 'href="/keywords/iceland/"' in harbour and 'href="/keywords/waterfall/"' not in harbour
    sitemap = (public / "sitemap.xml").read_text("utf-8")
    for path in ("keywords/", "keywords/iceland/", "keywords/waterfall/"):
        assert f"<loc>https://example.com/{path}</loc>" in sitemap
    # The image files carry the keywords that have pages, and no other.
    media = [n for n in published_bytes(public) if n.startswith("media/north/falls") and n.endswith(".jpg")]
    xmp = Image.open(public / media[0]).info["xmp"]
    assert b"<rdf:li>Iceland</rdf:li><rdf:li>Waterfall</rdf:li>" in xmp


def test_only_and_min_count(site_dir, write, run_build):
    keyword_site(site_dir, write, 'only = ["WATERFALL", "coast"]\nmin_count = 1\n')
    run_build()
    public = site_dir / "public"
    assert sorted(p.parent.name for p in (public / "keywords").glob("*/index.html")) == ["coast", "waterfall"]
    nowhere(public, "Iceland", "Anna Berg", "Unique words")


def test_switched_off_no_keyword_is_published_even_into_image_files(site_dir, write, run_build):
    """The reproduction: ``embed_captions`` wrote every keyword of every photo into its files."""
    keyword_site(site_dir, write)
    write("sitegen.toml", "[metadata]\nembed_captions = true\n")
    run_build()
    public = site_dir / "public"
    assert not (public / "keywords").exists()
    nowhere(public, "Iceland", "Anna Berg", "Smith wedding", "Waterfall", "Unique words")
    assert b"<dc:title>" in Image.open(next((public / "media/south").glob("dunes-*.jpg"))).info["xmp"]


def test_a_sidecar_replaces_the_embedded_keywords(site_dir, write, run_build):
    keyword_site(site_dir, write, "min_count = 1\n")
    write("content/north/falls.md", "---\nkeywords: [Glacier]\n---\n")
    write("content/north/coast.md", "---\nkeywords: []\n---\n")
    run_build()
    public = site_dir / "public"
    falls = (public / "north/falls/index.html").read_text("utf-8")
    assert 'href="/keywords/glacier/"' in falls and "/keywords/iceland/" not in falls
    assert "/keywords/" not in (public / "north/coast/index.html").read_text("utf-8").split("<main")[1]
    nowhere(public, "Smith wedding", "keywords/coast/")  # coast's own are gone with `keywords: []`


def test_a_gallery_named_keywords_is_reported_once(site_dir, write):
    keyword_site(site_dir, write)
    make_photo(site_dir / "content/keywords/a.jpg")
    make_photo(site_dir / "content/keywords/b.jpg")
    reporter = Reporter(root=site_dir)
    try:
        build(site_dir, overrides={"build.jobs": 1}, reporter=reporter)
    except ContentError:
        pass
    else:
        raise AssertionError("the build went on with a gallery at /keywords/")
    (error,) = reporter.errors
    text = error.format(site_dir)
    assert text.startswith("content/keywords: error: /keywords/ is claimed by both")
    assert "the keyword pages sitegen generates ([keywords] enabled = true)" in text


def test_with_keyword_pages_off_a_gallery_may_be_called_keywords(site_dir, write, run_build):
    make_photo(site_dir / "content/keywords/a.jpg")
    _, reporter = run_build()
    assert not reporter.errors and (site_dir / "public/keywords/a/index.html").is_file()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_preview_after_sidecar_keyword_edits_equals_a_full_render(site_dir, write, tmp_path):
    """A keyword added on one photo changes other pages: a new keyword page, a link on the photo page
    of the other photo that carries it, the index; the page memo of ``sitegen serve`` must see them."""
    keyword_site(site_dir, write)
    memo_folder = PreviewFolder.create(site_dir / ".sitegen-cache")
    full_folder = PreviewFolder(tmp_path / "full")
    origin, overrides = "http://127.0.0.1:9999", {"build.jobs": 1}
    incremental = BuildSession(site_dir, memo_folder, overrides=overrides, preview_origin=origin, full_render=False)
    full = BuildSession(site_dir, full_folder, overrides=overrides, preview_origin=origin, full_render=True)
    sidecar = site_dir / "content/south/dunes.md"
    edits = [
        ("a keyword that reaches min_count", "[Waterfall, sand, Unique words]", "[Waterfall, sand, Coast]"),
        ("a photo title shown in keyword grids", "title: Dunes", "title: Dunes at noon"),
        ("a keyword taken away again", "[Waterfall, sand, Coast]", "[sand]"),
    ]
    try:
        incremental.rebuild()
        full.build_time = incremental.build_time
        full.rebuild()
        assert tree(memo_folder.root) == tree(full_folder.root)
        for describe, old, new in edits:
            text = sidecar.read_text("utf-8")
            assert old in text
            sidecar.write_text(text.replace(old, new), "utf-8")
            memo_run = incremental.rebuild([sidecar.resolve()])
            full.rebuild([sidecar.resolve()])
            assert tree(memo_folder.root) == tree(full_folder.root), f"after {describe}"
            if describe.startswith("a keyword that"):
                assert (memo_folder.root / "keywords/coast/index.html").is_file()
                coast = (memo_folder.root / "north/coast/index.html").read_text("utf-8")
                assert 'rel="tag">coast</a>' in coast
                assert "north/coast/index.html" in memo_run.pages_rendered
                assert memo_run.pages_reused  # not everything was rendered again
        assert not (memo_folder.root / "keywords/coast").exists()
        assert (memo_folder.root / "keywords/waterfall/index.html").is_file()  # still on two photos
    finally:
        memo_folder.remove()
        full_folder.remove()


def test_example_site_publishes_its_keywords_and_none_of_its_private_ones(example_build):
    public = example_build[0]
    assert len(list((public / "keywords").glob("*/index.html"))) == 9
    assert "<h1>Sea</h1>" in (public / "keywords/sea/index.html").read_text("utf-8")
    # A client job on two sidecars (ignored); an agency's internal tags and the San Francisco
    # photo's keywords that no other photo shares (embedded in its file).
    nowhere(public, "Harbour Hotel commission", "pdproject19", "$photo", "night photography", "skyline city")


def test_unlisted_photos_count_for_no_keyword_and_are_shown_on_no_keyword_page(site_dir, write, run_build):
    """A keyword page is a listing: a client's photos must not be found through it (issue 15 §1 with §2)."""
    keyword_site(site_dir, write, "")
    for name in ("p1", "p2"):
        make_photo(site_dir / f"content/smith/{name}.jpg")
        write(f"content/smith/{name}.md", "---\nkeywords: [Waterfall, Bride and groom]\n---\n")
    write("content/smith/index.md", "---\ntitle: Smith wedding\nunlisted: true\n---\n")
    _, reporter = run_build()
    assert not reporter.errors
    public = site_dir / "public"
    assert (public / "smith/p1/index.html").is_file()  # published, reachable by its address
    assert not (public / "keywords/bride-and-groom").exists()  # two photos, both unlisted: no page
    page = (public / "keywords/waterfall/index.html").read_text("utf-8")
    assert page.count('class="grid-item"') == 3 and "/smith/" not in page
    assert "3 photos" in (public / "keywords/index.html").read_text("utf-8")
    nowhere(public, "Bride and groom")
