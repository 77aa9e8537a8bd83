"""Dependency recording for incremental rendering: what a template reads is what decides a re-render."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest

from sitegen.content.matter import GalleryMatter, PhotoMatter
from sitegen.content.model import Gallery, Kind, Page, Photo, Site
from sitegen.images.jobs import Derivative, ImageSet
from sitegen.images.probe import SourceInfo
from sitegen.render.deps import PageMemo
from sitegen.render.functions import pure
from sitegen.render.signatures import Ref, Volatile, _plain_type, ident_of, sig


def model(title: str = "Dawn", caption: str = "", extra_photo: bool = False) -> Site:
    """A small content model built by hand: one gallery with two (or three) photos."""
    info = SourceInfo(width=30, height=20, format="JPEG", mode="RGB", content_hash="h")
    gallery = Gallery(source=Path("/c/g"), key="g", slug="g", matter=GalleryMatter(title="Gallery"))
    names = ["a", "b", "c"] if extra_photo else ["a", "b"]
    for name in names:
        matter = PhotoMatter(title=title if name == "a" else name.upper())
        gallery.photos.append(Photo(Path(f"/c/g/{name}.jpg"), name, gallery, info, matter=matter, caption_html=caption))
    for before, after in zip(gallery.photos, gallery.photos[1:], strict=False):
        before.next, after.prev = after, before
    home = Page(source=None, path="", title="Home", kind=Kind.HOME)
    project = SimpleNamespace(config=None)
    return Site(project=project, home=home, pages=[], galleries=[gallery])  # type: ignore[arg-type]


class Harness:
    """PageMemo on a bare Jinja environment, rebuilt for each new model like the real renderer."""

    def __init__(self, templates: dict[str, str], functions: dict[str, Any] | None = None) -> None:
        self.templates = templates
        self.functions = functions or {}
        self.memo = PageMemo()

    def render(self, site: Site, name: str = "page.html", **context: Any) -> str:
        env = jinja2.Environment(loader=jinja2.DictLoader(self.templates), undefined=jinja2.StrictUndefined)
        env.globals.update(self.functions, site=site)
        self.memo.attach(SimpleNamespace(env=env, site=site))  # type: ignore[arg-type]
        html = self.memo.render(env.get_template(name), name, context)
        self.memo.finish()
        return html

    @property
    def rendered(self) -> list[str]:
        return self.memo.rendered


def photo(site: Site, name: str) -> Photo:
    return next(p for p in site.all_photos() if p.slug == name)


def test_identity_survives_a_reread():
    first, second = model(), model()
    assert photo(first, "a") is not photo(second, "a")
    assert sig(photo(first, "a")) == sig(photo(second, "a")) == Ref(("photo", "g/a.jpg"))
    assert ident_of(first.galleries[0]) == ("gallery", "g")
    assert ident_of(first.home) == ("home", "")
    assert ident_of("text") is None


def test_signatures_compare_values_and_model_objects_by_identity():
    site = model()
    assert sig([photo(site, "a"), 1, "x"]) == (Ref(("photo", "g/a.jpg")), 1, "x")
    assert sig({"k": photo(site, "b")}) == (("k", Ref(("photo", "g/b.jpg"))),)
    unknown = sig(object())
    assert isinstance(unknown, Volatile) and unknown != unknown
    assert sig(jinja2.Undefined()) == sig(jinja2.Undefined())


def test_value_dataclasses_compare_whole_and_others_field_by_field():
    assert _plain_type(ImageSet) and _plain_type(Derivative) and _plain_type(SourceInfo)
    d = Derivative("media/x-480.abc.webp", 480, 320, "webp")
    assert sig(d) is d

    @dataclasses.dataclass(frozen=True)
    class Item:
        title: str
        obj: Any

    assert not _plain_type(Item)
    site = model()
    assert sig(Item("A", photo(site, "a"))) == sig(Item("A", photo(model(), "a")))
    assert sig(Item("A", photo(site, "a"))) != sig(Item("A", photo(site, "b")))


PAGER = {
    "page.html": "<h1>{{ photo.title }}</h1>{% if photo.next %}<a>{{ photo.next.title }}</a>{% endif %}",
}


def test_unchanged_reads_reuse_the_html():
    h = Harness(PAGER)
    site = model()
    first = h.render(site, photo=photo(site, "a"))
    assert first == "<h1>Dawn</h1><a>B</a>" and h.rendered == ["page.html"]
    site = model(caption="<p>not shown on this page</p>")
    assert h.render(site, photo=photo(site, "a")) == first
    assert h.rendered == []


def test_a_changed_read_renders_again():
    h = Harness(PAGER)
    site = model()
    h.render(site, photo=photo(site, "a"))
    site = model(title="Dusk")
    assert h.render(site, photo=photo(site, "a")) == "<h1>Dusk</h1><a>B</a>"
    assert h.rendered == ["page.html"]


def test_reads_through_other_objects_are_recorded():
    h = Harness(PAGER)
    site = model()
    h.render(site, photo=photo(site, "b"))  # b (the last photo) shows nothing of a
    site = model(title="Dusk")
    h.render(site, photo=photo(site, "b"))
    assert h.rendered == []
    h = Harness({"page.html": "{{ photo.prev.title }}"})
    site = model()
    h.render(site, photo=photo(site, "b"))  # b shows a's title through photo.prev
    site = model(title="Dusk")
    assert h.render(site, photo=photo(site, "b")) == "Dusk"


def test_method_calls_are_recorded_with_their_results():
    h = Harness({"page.html": "{% for p in site.all_photos() %}{{ p.slug }}{% endfor %}"})
    assert h.render(model()) == "ab"
    assert h.render(model()) == "ab" and h.rendered == []
    assert h.render(model(extra_photo=True)) == "abc" and h.rendered == ["page.html"]


def test_template_functions_are_recorded_with_their_arguments():
    calls: list[str] = []

    def link(obj: Any) -> str:
        calls.append(obj.slug)
        return "/" + obj.slug + "/"

    h = Harness({"page.html": "{{ link(photo) }}"}, {"link": link})
    site = model()
    assert h.render(site, photo=photo(site, "a")) == "/a/"
    site = model()
    assert h.render(site, photo=photo(site, "a")) == "/a/" and h.rendered == []
    assert calls == ["a", "a"]  # asked again of the new model to compare, not rendered again


def test_changed_template_files_render_again():
    h = Harness({"page.html": '{% include "part.html" %}', "part.html": "one"})
    assert h.render(model()) == "one"
    assert h.render(model()) == "one" and h.rendered == []
    h.templates["part.html"] = "two"
    assert h.render(model()) == "two" and h.rendered == ["page.html"]


def test_context_changes_render_again():
    h = Harness({"page.html": "{{ n }}"})
    assert h.render(model(), n=1) == "1"
    assert h.render(model(), n=1) == "1" and h.rendered == []
    assert h.render(model(), n=2) == "2" and h.rendered == ["page.html"]


def test_what_cannot_be_compared_is_rendered_every_time():
    @jinja2.pass_context
    def opaque(context: Any) -> str:
        return "x"

    h = Harness({"page.html": "{{ opaque() }}"}, {"opaque": opaque})
    h.render(model())
    h.render(model())
    assert h.rendered == ["page.html"]
    h = Harness({"page.html": "{{ thing.name }}"})
    h.render(model(), thing=SimpleNamespace(name="n"))  # an object without value equality
    h.render(model(), thing=SimpleNamespace(name="n"))
    assert h.rendered == ["page.html"]


def test_a_vanished_object_renders_again():
    h = Harness({"page.html": "{{ site.galleries[0].photos[1].title }}"})
    assert h.render(model()) == "B"
    site = model()
    site.galleries[0].photos.pop()
    with pytest.raises(jinja2.UndefinedError):  # rendered again (and, here, failing loudly)
        h.render(site)


def test_pure_template_functions_without_model_objects_are_not_asked_again():
    calls: list[Any] = []

    @pure
    def url(target: Any) -> str:
        calls.append(target)
        return "/" + (target if isinstance(target, str) else target.slug) + "/"

    h = Harness({"page.html": "{{ url('licensing') }} {{ url(photo) }}"}, {"url": url})
    site = model()
    assert h.render(site, photo=photo(site, "a")) == "/licensing/ /a/"
    calls.clear()
    site = model()
    h.render(site, photo=photo(site, "a"))
    assert h.rendered == []
    # url() is declared pure: with a plain argument its answer is kept; with a photo it is asked again.
    assert calls == [photo(site, "a")]


def test_what_is_pure_is_declared_on_the_function_not_by_its_name():
    """An undeclared function, even one called ``url`` like the renderer's pure one, is asked again."""
    calls: list[Any] = []

    def url(target: Any) -> str:
        calls.append(target)
        return f"/{target}/"

    h = Harness({"page.html": "{{ url('licensing') }}"}, {"url": url})
    h.render(model())
    calls.clear()
    h.render(model())
    assert h.rendered == [] and calls == ["licensing"]
