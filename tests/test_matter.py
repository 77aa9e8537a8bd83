"""Front matter keys: one typed declaration per kind of file, read with the config's schema machinery."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from pathlib import Path

import jinja2
import pytest

from sitegen.config import load_project
from sitegen.configschema import SchemaError, coerce
from sitegen.content.keywords import photo_keywords
from sitegen.content.markup import Markup
from sitegen.content.matter import (
    KINDS_OF_FILE,
    GalleryMatter,
    HomeMatter,
    PageMatter,
    PhotoMatter,
    as_sort_mode,
    declared_keys,
    read_matter,
    reference_tables,
)
from sitegen.content.memo import ParseMemo
from sitegen.content.model import Kind, Photo
from sitegen.content.reader import read_site
from sitegen.errors import ContentError, Reporter
from sitegen.images.probe import ProbeCache

from .conftest import REPO, make_photo

README = REPO / "README.md"


def read(site_dir: Path):
    reporter = Reporter(root=site_dir)
    return read_site(load_project(site_dir), reporter, ProbeCache(None)), reporter


def warnings(reporter: Reporter) -> list[str]:
    return [p.format(reporter.root) for p in reporter.warnings]


# --- the declaration ---------------------------------------------------------------


def test_values_are_typed_and_bad_keys_are_left_out_with_file_line_warnings(tmp_path: Path):
    path = tmp_path / "p.md"
    path.write_text("---\ntitel: x\ndraft: maybe\ndate: 2024-01-02\ntitle: 2024\nweight: 3\n---\n")
    reporter = Reporter(root=tmp_path)
    matter = read_matter(
        PageMatter, {"titel": "x", "draft": "maybe", "date": "2024-01-02", "title": 2024, "weight": 3}, path, reporter
    )
    assert matter == PageMatter(date=dt.datetime(2024, 1, 2), title="2024", weight=3.0)
    assert isinstance(matter.weight, float)
    assert warnings(reporter) == [
        "p.md:2: warning: unknown front matter key 'titel' ignored; did you mean \"title\"?",
        "p.md:3: warning: front matter 'draft': expected true or false, got 'maybe'; ignored",
    ]


def test_unknown_key_without_a_near_name_lists_the_keys_of_that_kind_of_file(tmp_path: Path):
    path = tmp_path / "index.md"
    path.write_text("---\nxyzzy: 1\n---\n")
    reporter = Reporter(root=tmp_path)
    read_matter(HomeMatter, {"xyzzy": 1}, path, reporter)
    keys = ", ".join(name for name, _, _ in declared_keys(HomeMatter))
    assert warnings(reporter) == [
        f"index.md:2: warning: unknown front matter key 'xyzzy' ignored; home page keys are: {keys}"
    ]
    assert keys.endswith("extra, featured")


def test_a_key_without_a_value_is_no_key(tmp_path: Path):
    reporter = Reporter()
    assert read_matter(PhotoMatter, {"title": None, "alt": None}, tmp_path / "a.md", reporter) == PhotoMatter()
    assert not reporter.problems


def test_sort_mode_suggests_a_near_name():
    with pytest.raises(ValueError, match=r'expected one of name, date, manual \(did you mean "date"\?\)'):
        as_sort_mode("dates")


def test_every_key_has_a_reader_and_documentation():
    for cls in KINDS_OF_FILE:
        for name, field, tp in declared_keys(cls):
            assert field.metadata["doc"], f"{cls.__name__}.{name} is undocumented"
            # YAML writes values more loosely than TOML, and the messages quote the value read
            assert getattr(tp, "__metadata__", None), f"{cls.__name__}.{name} has no Convert"
            with pytest.raises(SchemaError) as info:
                coerce(object(), tp, name)
            assert info.value.key == name


def test_the_declared_types_match_what_the_readers_return():
    """A Convert returning another type than its field declares would slip past mypy (it returns Any)."""
    samples = ["x", 1, 2.5, True, "2024-05-17", "a, b", ["a", 1], {"k": 1}, "name"]
    for cls in KINDS_OF_FILE:
        for name, _, tp in declared_keys(cls):
            declared = typing.get_args(tp)[0]
            for sample in samples:
                try:
                    value = coerce(sample, tp, name)
                except SchemaError:
                    continue
                assert _fits(value, declared), f"{cls.__name__}.{name}: {value!r} is not {declared}"


def _fits(value: object, tp: object) -> bool:
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return value in typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, alt) for alt in typing.get_args(tp))
    if origin is list:
        return isinstance(value, list) and all(_fits(v, typing.get_args(tp)[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    return isinstance(value, tp) and not (tp is float and isinstance(value, bool))  # type: ignore[arg-type]


# --- the README --------------------------------------------------------------------


def test_readme_reference_is_made_from_the_declaration():
    readme = README.read_text("utf-8")
    start = "<!-- front matter reference: made from sitegen/content/matter.py, checked by tests/test_matter.py -->\n"
    end = "<!-- end of front matter reference -->"
    assert start in readme and end in readme
    shown = readme.split(start, 1)[1].split(end, 1)[0]
    assert shown == reference_tables(), "paste sitegen.content.matter.reference_tables() into the README:\n" + (
        reference_tables()
    )


def test_readme_lists_exactly_the_declared_keys_of_each_kind_of_file():
    readme = README.read_text("utf-8")
    shown = readme.split("<!-- front matter reference", 1)[1].split("<!-- end of front matter reference", 1)[0]
    tables = re.split(r"^\*\*(.+?)\*\*.*$", shown, flags=re.M)[1:]
    listed = {
        files: re.findall(r"^\| `(\w+)` \|", body, re.M) for files, body in zip(tables[::2], tables[1::2], strict=True)
    }
    declared = {
        cls.FILES: [k for k, _, _ in declared_keys(cls) if k not in {f.name for f in dataclasses.fields(PageMatter)}]
        if cls is HomeMatter
        else [k for k, _, _ in declared_keys(cls)]
        for cls in KINDS_OF_FILE
    }
    assert listed == declared


# --- the model ---------------------------------------------------------------------


def test_the_model_carries_typed_matter(site_dir, write):
    write("content/index.md", "---\nfeatured: g\n---\n")
    write("content/g/index.md", "---\nsort: manual\norder: [b.jpg]\nweight: 2\nwatermark: false\n---\n")
    make_photo(site_dir / "content/g/a.jpg")
    make_photo(site_dir / "content/g/b.jpg")
    write("content/g/a.md", "---\nkeywords: sea, dusk\nsort: 1\nextra: {film: Portra}\n---\n")
    site, reporter = read(site_dir)
    assert not reporter.problems
    (gallery,) = site.galleries
    assert gallery.matter == GalleryMatter(sort="manual", order=["b.jpg"], weight=2.0, watermark=False)
    assert [p.source.name for p in gallery.photos] == ["b.jpg", "a.jpg"]
    photo = gallery.photos[1]
    assert photo.matter.keywords == ["sea", "dusk"]
    assert [name for name, _ in photo_keywords(photo).values()] == ["sea", "dusk"]
    assert photo.extra == {"film": "Portra"} and photo.matter.sort == 1.0
    assert site.home.featured == ["g"] and site.featured_galleries() == [gallery]
    assert not hasattr(gallery, "meta") and not hasattr(photo, "meta")


def test_kinds_are_an_enum_that_templates_compare_as_text(site_dir, write):
    write("content/about.md", "hi")
    make_photo(site_dir / "content/g/a.jpg")
    site, _ = read(site_dir)
    kinds = (
        {p.kind for p in site.all_pages()}
        | {g.kind for g in site.all_galleries()}
        | {p.kind for p in site.all_photos()}
    )
    assert kinds == {Kind.HOME, Kind.PAGE, Kind.LICENSING, Kind.GALLERY, Kind.PHOTO}
    assert all(isinstance(k, Kind) for k in kinds)
    template = jinja2.Template("kind-{{ k }} {{ k == 'photo' }} {{ k in ('photo', 'gallery') }}")
    assert template.render(k=Kind.PHOTO) == "kind-photo True True"
    assert Photo.__dataclass_fields__["kind"].default is Kind.PHOTO


# --- `template:` of a gallery --------------------------------------------------------


def test_gallery_template_is_a_key(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/index.md", "---\ntemplate: wide.html\n---\n")
    write("templates/wide.html", "{% extends 'gallery.html' %}{% block gallery_header %}WIDE{% endblock %}")
    _, reporter = run_build()
    assert not [m for m in warnings(reporter) if "index.md" in m]
    assert "WIDE" in (site_dir / "public/g/index.html").read_text()


def test_unknown_gallery_template_suggests_one(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/index.md", "---\ntemplate: galery.html\n---\n")
    with pytest.raises(
        ContentError, match=r"content/g/index\.md: unknown template 'galery\.html'; did you mean \"gallery\.html\""
    ):
        run_build()


@pytest.mark.parametrize("value", ['""', "/etc/passwd", "../x.html", "[a]"])
def test_a_template_that_is_no_file_name_is_a_warning(site_dir, write, value):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/index.md", f"---\ntemplate: {value}\n---\n")
    site, reporter = read(site_dir)
    (message,) = warnings(reporter)
    assert message.startswith("content/g/index.md:2: warning: front matter 'template': expected a template file name")
    assert site.galleries[0].template == "gallery.html"


def test_template_under_extra_is_still_read_with_a_warning(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/index.md", "---\ntitle: G\nextra:\n  template: wide.html\n---\n")
    write("templates/wide.html", "{% extends 'gallery.html' %}{% block gallery_header %}WIDE{% endblock %}")
    _, reporter = run_build()
    assert [m for m in warnings(reporter) if "index.md" in m] == [
        "content/g/index.md:3: warning: `template:` under `extra:` is read as the gallery's template; "
        "move it up, out of `extra:`"
    ]
    assert "WIDE" in (site_dir / "public/g/index.html").read_text()


# --- the read phase's parse cache ----------------------------------------------------


def test_parse_memo_keys_html_on_the_base_path_it_depends_on():
    memo = ParseMemo()
    text = "[About](/about/)"
    assert 'href="/about/"' in memo.convert(Markup("/"), text)
    assert 'href="/portfolio/about/"' in memo.convert(Markup("/portfolio/"), text)
    assert 'href="/about/"' in memo.convert(Markup("/"), text) and memo.hits == 1


def test_a_memo_hit_still_reports_bad_keys(site_dir, write):
    """Only the YAML is cached; the typed keys are read (and their warnings reported) on every read."""
    write("content/about.md", "---\ndraft: maybe\n---\n")
    write("content/more.md", "---\ndraft: maybe\n---\n")  # the same text: one parse
    project = load_project(site_dir)
    memo = ParseMemo()
    misses = []
    for _ in range(2):
        reporter = Reporter(root=site_dir)
        read_site(project, reporter, ProbeCache(None), memo=memo)
        assert sorted(m.split(":")[0] for m in warnings(reporter)) == ["content/about.md", "content/more.md"]
        misses.append(memo.misses)
    assert misses[0] > 0 and misses[1] == misses[0]  # the second read parsed nothing
