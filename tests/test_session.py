"""The incremental build behind ``sitegen serve``: each kind of change re-runs only what it must,
and the result is always byte for byte what a build from scratch produces."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.output.preview import PreviewFolder, marker_text
from sitegen.pipeline.build import build
from sitegen.pipeline.session import BuildSession, Rebuild

from .conftest import make_photo

ORIGIN = "http://127.0.0.1:9999"
OVERRIDES = {"build.jobs": 1}


def make_site(root: Path) -> Path:
    def write(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    write("sitegen.toml", '[site]\ntitle = "Test Portfolio"\nauthor = "Ann Example"\n')
    write("content/index.md", "---\ntitle: Welcome\n---\nHello *there*.\n")
    write("content/about.md", "---\ntitle: About\n---\nAbout me.\n")
    write("content/contact.md", "---\ntitle: Contact\nmenu: false\n---\nWrite to me.\n")
    write("content/alpha/index.md", "---\ntitle: Alpha\ndate: 2024-03-01\n---\nThe first gallery.\n")
    write("content/beta/index.md", "---\ntitle: Beta\ndate: 2024-04-01\n---\n")
    write("content/beta/deep/index.md", "---\ntitle: Deep\ndate: 2024-05-01\n---\n")
    for i in range(1, 5):
        make_photo(root / f"content/alpha/a{i}.jpg", colour=(40 * i, 90, 200 - 30 * i))
    write("content/alpha/a2.md", "---\ntitle: Second alpha\nalt: A blue square\n---\nA *caption*.\n")
    for i in range(1, 4):
        make_photo(root / f"content/beta/b{i}.jpg", colour=(200, 30 * i, 60))
    make_photo(root / "content/beta/deep/d1.jpg", colour=(10, 200, 10))
    return root


def make_site_with_own_theme(root: Path) -> Path:
    """make_site() with a theme folder of its own holding a copy of the default stylesheet."""
    site = make_site(root)
    theme = site / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "themes/default/static/style.css", theme / "static/style.css")
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + 'theme = "./mytheme"\n')
    return site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def session(site: Path):
    folder = PreviewFolder.create(site / ".sitegen-cache")
    session = BuildSession(site, folder, overrides=OVERRIDES, preview_origin=ORIGIN)
    first = session.rebuild()
    assert first.full and first.images_processed == 8
    yield session
    folder.remove()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_as_fresh(session: BuildSession, tmp_path: Path) -> None:
    """The incrementally updated preview equals a preview built from nothing in a new session."""
    root = tmp_path / f"fresh-{session.number}"
    root.mkdir()
    fresh = BuildSession(session.site_dir, PreviewFolder(root), overrides=OVERRIDES, preview_origin=ORIGIN)
    fresh.build_time = session.build_time
    fresh.rebuild()
    incremental, expected = tree(session.folder.root), tree(root)
    assert sorted(incremental) == sorted(expected)
    differing = [path for path in expected if incremental[path] != expected[path]]
    assert differing == []


def html_pages(session: BuildSession) -> set[str]:
    return {key for key in session.folder.on_disk if key.endswith(".html")}


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")
    return path.resolve()


def rebuild(session: BuildSession, *paths: Path) -> Rebuild:
    return session.rebuild([p.resolve() for p in paths])


def test_nothing_changed_renders_nothing_and_writes_nothing(session):
    result = rebuild(session)
    assert result.pages_rendered == [] and not result.applied and result.images_processed == 0


def test_markdown_body_edit_renders_only_that_page(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/about.md", "About me.", "About me, **updated**."))
    assert result.read_content and not result.full
    assert result.text_only  # that file alone re-read: no walk of content/, no other page asked
    assert not result.image_phase  # a page's text cannot change an image job
    assert result.pages_rendered == ["about/index.html"]
    assert result.applied.written == ["about/index.html"]
    assert b"<strong>updated</strong>" in (session.folder.root / "about/index.html").read_bytes()
    assert_same_as_fresh(session, tmp_path)


def test_page_title_in_the_menu_renders_every_page(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/about.md", "title: About", "title: About the artist"))
    assert set(result.pages_rendered) == html_pages(session)
    assert result.images_processed == 0
    assert_same_as_fresh(session, tmp_path)


def test_page_that_moves_or_appears_plans_images_again(session, site, tmp_path):
    """Only text edits of pages that keep their URL skip the image phase; anything else plans it."""
    result = rebuild(session, edit(site / "content/about.md", "title: About", "title: About\nslug: me"))
    assert result.image_phase and result.images_processed == 0
    new = site / "content/alpha/notes.md"
    new.write_text("---\ntitle: Notes\n---\nA page inside a gallery folder.\n")
    result = rebuild(session, new)
    assert result.image_phase and "alpha/notes/index.html" in result.applied.written
    assert_same_as_fresh(session, tmp_path)


def test_page_title_outside_the_menu_renders_only_that_page(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/contact.md", "title: Contact", "title: Get in touch"))
    # Not in the menu: no other page shows the title (sitemap and feed are not templates).
    assert result.pages_rendered == ["contact/index.html"]
    assert_same_as_fresh(session, tmp_path)


def test_sidecar_edit_renders_the_photo_its_neighbours_and_its_gallery(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/alpha/a2.md", "title: Second alpha", "title: Blue hour"))
    # a1 and a3 show a2's title in their pager, the gallery grid in its lightbox caption; beta shows nothing of it.
    assert set(result.pages_rendered) == {
        "alpha/a2/index.html",
        "alpha/a1/index.html",
        "alpha/a3/index.html",
        "alpha/index.html",
    }
    # Only the text changed: that photo's image job is the same one, nothing else is planned.
    assert result.text_only and not result.image_phase and result.images_processed == 0
    assert_same_as_fresh(session, tmp_path)


def test_alt_text_edit_renders_the_pages_showing_the_image(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/alpha/a2.md", "alt: A blue square", "alt: A violet square"))
    assert set(result.pages_rendered) == {"alpha/a2/index.html", "alpha/index.html"}
    assert_same_as_fresh(session, tmp_path)


# -- saves that change only text: the file alone is re-read, only the pages showing it are asked --------


def test_caption_edit_rerenders_the_photo_page_alone_and_serves_the_new_caption(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/alpha/a2.md", "A *caption*.", "A *brand new* caption."))
    assert result.text_only and not result.image_phase
    # The caption shows on the photo's own page only: no other page is rendered, none is rewritten.
    assert result.pages_rendered == ["alpha/a2/index.html"]
    assert result.applied.written == ["alpha/a2/index.html"]
    assert result.pages_reused + 1 == len(html_pages(session))
    assert b"A <em>brand new</em> caption." in (session.folder.root / "alpha/a2/index.html").read_bytes()
    assert_same_as_fresh(session, tmp_path)


def test_text_edits_one_after_another_keep_the_preview_exact(session, site, tmp_path):
    """The model is changed in place and the renderer kept between text-only saves: each must show."""
    about, a2 = site / "content/about.md", site / "content/alpha/a2.md"
    for n in range(3):
        assert rebuild(session, edit(about, "About me", f"About me ({n})")).text_only
        assert rebuild(session, edit(a2, "caption", f"caption {n}")).text_only
        assert f"About me ({n})".encode() in (session.folder.root / "about/index.html").read_bytes()
        assert f"caption {n}".encode() in (session.folder.root / "alpha/a2/index.html").read_bytes()
    result = rebuild(session, edit(a2, "title: Second alpha", "title: Blue hour"))
    assert result.text_only and {"alpha/a1/index.html", "alpha/a3/index.html"} <= set(result.pages_rendered)
    assert not any(page.startswith("beta/") for page in result.pages_rendered)  # shows nothing of alpha's photos
    assert_same_as_fresh(session, tmp_path)


def test_page_in_a_gallery_folder_is_re_read_at_its_own_address(session, site, tmp_path):
    notes = site / "content/beta/notes.md"
    notes.write_text("---\ntitle: Notes\nmenu: false\n---\nFirst words.\n")
    assert not rebuild(session, notes).text_only  # a new file: the whole folder is read
    result = rebuild(session, edit(notes, "First words.", "Second words."))
    assert result.text_only and result.pages_rendered == ["beta/notes/index.html"]
    assert b"Second words." in (session.folder.root / "beta/notes/index.html").read_bytes()
    assert_same_as_fresh(session, tmp_path)


def test_alt_text_of_a_cover_photo_reaches_the_gallery_and_the_feed(session, site, tmp_path):
    cover = site / "content/alpha/a1.md"  # a1 is alpha's cover: its alt text is in the gallery's feed entry
    cover.write_text("---\nalt: A red square\n---\n")
    rebuild(session, cover)
    result = rebuild(session, edit(cover, "A red square", "A crimson square"))
    assert result.text_only and "alpha/index.html" in result.pages_rendered
    assert "feed.xml" in result.applied.written
    assert b"A crimson square" in (session.folder.root / "feed.xml").read_bytes()
    assert_same_as_fresh(session, tmp_path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Second alpha", "title: Second alpha\ndate: 2020-01-01"),  # a date: sitemap, feed, sort order
        ("title: Second alpha", "title: Second alpha\nslug: renamed"),  # an address
        ("title: Second alpha", "title: Second alpha\nlicence: CC-BY-4.0"),  # the licence: files and pages
        ("title: Second alpha", "title: Second alpha\ndraft: true"),  # leaves the site
    ],
)
def test_sidecar_changes_beyond_text_go_through_every_phase(session, site, tmp_path, old, new):
    result = rebuild(session, edit(site / "content/alpha/a2.md", old, new))
    assert not result.text_only and result.image_phase
    assert_same_as_fresh(session, tmp_path)


def test_page_title_change_goes_through_every_phase(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/contact.md", "title: Contact", "title: Get in touch"))
    assert not result.text_only  # titles are in menus, page order and feeds: not text a re-read changes
    assert_same_as_fresh(session, tmp_path)


def test_embedded_captions_make_a_caption_edit_reprocess_that_photo(site, tmp_path):
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + "\n[metadata]\nembed_captions = true\n")
    folder = PreviewFolder.create(site / ".sitegen-cache")
    session = BuildSession(site, folder, overrides=OVERRIDES, preview_origin=ORIGIN)
    try:
        session.rebuild()
        result = rebuild(session, edit(site / "content/alpha/a2.md", "A blue square", "A violet square"))
        assert not result.text_only and result.images_processed == 1  # the alt text is inside its files
        assert_same_as_fresh(session, tmp_path)
    finally:
        folder.remove()


def test_a_text_edit_that_breaks_a_template_keeps_the_last_site_and_reads_everything_next(site, tmp_path):
    """A template error during a text-only rebuild may leave the model half changed: the next save reads it all."""
    theme_page = Path(__file__).resolve().parents[1] / "themes/default/templates/page.html"
    override = site / "templates/page.html"
    override.parent.mkdir()
    override.write_text(
        theme_page.read_text().replace(
            "{% block page_body %}",
            '{% block page_body %}{% if "boom" in page.body_html %}{{ missing.attribute }}{% endif %}',
            1,
        )
    )
    assert override.read_text() != theme_page.read_text()
    folder = PreviewFolder.create(site / ".sitegen-cache")
    session = BuildSession(site, folder, overrides=OVERRIDES, preview_origin=ORIGIN)
    try:
        session.rebuild()
        about = site / "content/about.md"
        with pytest.raises(SitegenError):
            rebuild(session, edit(about, "About me.", "About me, boom."))
        assert b"boom" not in (folder.root / "about/index.html").read_bytes()
        result = rebuild(session, edit(about, "About me, boom.", "About me, calmly."))
        assert not result.text_only and result.read_content
        assert b"About me, calmly." in (folder.root / "about/index.html").read_bytes()
        assert_same_as_fresh(session, tmp_path)
    finally:
        folder.remove()


def test_new_photo_processes_only_that_photo(session, site, tmp_path):
    new = make_photo(site / "content/alpha/a5.jpg", colour=(1, 2, 3))
    result = rebuild(session, new)
    assert result.images_processed == 1
    rendered = set(result.pages_rendered)
    assert {"alpha/a5/index.html", "alpha/a4/index.html", "alpha/index.html"} <= rendered
    assert not any(page.startswith("beta/") for page in rendered)  # other galleries do not show it
    assert "alpha/a1/index.html" in rendered  # every photo page of the gallery shows "n / total"
    assert any(key.startswith("media/alpha/a5-") for key in result.applied.written)
    assert_same_as_fresh(session, tmp_path)


def test_changed_photo_reprocesses_only_that_photo(session, site, tmp_path):
    old_media = {k for k in session.folder.on_disk if k.startswith("media/alpha/a3-")}
    changed = make_photo(site / "content/alpha/a3.jpg", colour=(250, 250, 0))
    result = rebuild(session, changed)
    assert result.images_processed == 1
    assert set(result.pages_rendered) == {"alpha/a3/index.html", "alpha/index.html"}
    assert old_media and old_media <= set(result.applied.removed)  # new content, new hashed names
    assert_same_as_fresh(session, tmp_path)


def test_deleted_photo_disappears(session, site, tmp_path):
    (site / "content/alpha/a2.jpg").unlink()
    (site / "content/alpha/a2.md").unlink()  # left alone, a sidecar without its photo becomes a page
    result = rebuild(session, site / "content/alpha/a2.jpg", site / "content/alpha/a2.md")
    assert "alpha/a2/index.html" in result.applied.removed
    assert any(key.startswith("media/alpha/a2-") for key in result.applied.removed)
    assert not (session.folder.root / "alpha/a2").exists()
    assert result.images_processed == 0
    assert_same_as_fresh(session, tmp_path)


def test_renamed_gallery_moves_its_pages(session, site, tmp_path):
    (site / "content/beta").rename(site / "content/gamma")
    result = rebuild(session, site / "content/beta", site / "content/gamma")
    assert "beta/index.html" in result.applied.removed and "gamma/index.html" in result.applied.written
    assert_same_as_fresh(session, tmp_path)


def test_template_change_does_no_image_work_and_renders_pages_using_it(session, site, tmp_path):
    theme_photo = Path(__file__).resolve().parents[1] / "themes/default/templates/photo.html"
    override = site / "templates/photo.html"
    override.parent.mkdir()
    override.write_text(theme_photo.read_text("utf-8").replace('<figure class="photo">', '<figure class="photo x">'))
    result = rebuild(session, override)
    assert not result.read_content and not result.image_phase
    photo_pages = {k for k in html_pages(session) if k.count("/") >= 2 and not k.endswith("deep/index.html")}
    assert set(result.pages_rendered) == photo_pages
    assert_same_as_fresh(session, tmp_path)


def test_template_change_brings_the_open_pages_up_to_date_first(session, site, tmp_path):
    footer = site / "templates/partials/footer.html"
    footer.parent.mkdir(parents=True)
    theme_footer = Path(__file__).resolve().parents[1] / "themes/default/templates/partials/footer.html"
    footer.write_text(theme_footer.read_text() + "<p>New footer line</p>\n")
    seen: list[list[str]] = []

    def early(applied) -> None:
        seen.append(list(applied.written))
        # Written before the rest of the site is rendered: another page still shows the old footer.
        assert b"New footer line" in (session.folder.root / "about/index.html").read_bytes()
        assert b"New footer line" not in (session.folder.root / "contact/index.html").read_bytes()

    result = session.rebuild([footer.resolve()], None, ["about/index.html", "alpha/a2/index.html"], early)
    assert [sorted(s) for s in seen] == [["about/index.html", "alpha/a2/index.html"]]
    # The whole pass found them done: not rendered again, not written again; every other page was.
    assert "about/index.html" not in result.pages_rendered + result.applied.written
    assert "contact/index.html" in result.applied.written
    assert len(result.applied.written) + 2 == len(html_pages(session))
    assert_same_as_fresh(session, tmp_path)


def test_content_changes_render_no_page_ahead_of_the_others(session, site, tmp_path):
    called: list[object] = []
    about = edit(site / "content/about.md", "About me.", "About me, again.")
    session.rebuild([about], None, ["contact/index.html"], called.append)
    new = site / "content/alpha/notes.md"
    new.write_text("---\ntitle: Notes\n---\nA new page.\n")
    session.rebuild([new.resolve()], None, ["contact/index.html"], called.append)
    assert called == []  # the model itself changed: rendering a page ahead of reading it would show the old one


def test_stylesheet_change_renames_the_hashed_asset(site, tmp_path):
    theme = site / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    default_css = Path(__file__).resolve().parents[1] / "themes/default/static/style.css"
    shutil.copy(default_css, theme / "static/style.css")
    config = site / "sitegen.toml"
    config.write_text(config.read_text() + 'theme = "./mytheme"\n')
    session = BuildSession(
        site, PreviewFolder.create(site / ".sitegen-cache"), overrides=OVERRIDES, preview_origin=ORIGIN
    )
    try:
        session.rebuild()
        (theme / "static/style.css").write_text(default_css.read_text() + "\nbody { color: red; }\n")
        result = rebuild(session, theme / "static/style.css")
        assert result.images_processed == 0 and not result.read_content
        ((old, new),) = result.renamed_assets.items()
        assert old.startswith("theme/style.") and new.startswith("theme/style.") and old != new
        assert old in result.applied.removed and new in result.applied.written
        assert set(result.pages_rendered) == html_pages(session)  # every page links the new name
        assert_same_as_fresh(session, tmp_path)
    finally:
        session.folder.remove()


def test_static_file_change_is_copied_without_rendering(session, site, tmp_path):
    static = site / "static/notes.txt"
    static.parent.mkdir()
    static.write_text("one")
    assert rebuild(session, static).applied.written == ["notes.txt"]
    static.write_text("two")
    result = rebuild(session, static)
    assert result.pages_rendered == [] and result.applied.written == ["notes.txt"]
    assert (session.folder.root / "notes.txt").read_text() == "two"


def test_config_change_rebuilds_everything(session, site, tmp_path):
    result = rebuild(session, edit(site / "sitegen.toml", "Test Portfolio", "Another Portfolio"))
    assert result.full and set(result.pages_rendered) == html_pages(session)
    assert b"Another Portfolio" in (session.folder.root / "index.html").read_bytes()
    assert_same_as_fresh(session, tmp_path)


def test_failed_rebuild_keeps_the_last_good_site_and_recovers(session, site, tmp_path):
    before = tree(session.folder.root)
    override = site / "templates/page.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}{% block content %}{{ page.title }{% endblock %}')
    with pytest.raises(SitegenError, match=r"page\.html"):
        rebuild(session, override)
    assert tree(session.folder.root) == before
    # An edit made while the site is broken is not lost when the fix touches only the template.
    with pytest.raises(SitegenError):
        rebuild(session, edit(site / "content/about.md", "About me.", "Rewritten while broken."))
    override.unlink()
    result = rebuild(session, override)
    assert b"Rewritten while broken." in (session.folder.root / "about/index.html").read_bytes()
    assert "about/index.html" in result.applied.written
    assert_same_as_fresh(session, tmp_path)


def test_broken_config_fails_and_recovers(session, site, tmp_path):
    config = site / "sitegen.toml"
    good = config.read_text()
    config.write_text(good + "[images]\nwidths = 7\n")
    with pytest.raises(SitegenError, match="widths"):
        rebuild(session, config)
    config.write_text(good)
    assert rebuild(session, config).full
    assert_same_as_fresh(session, tmp_path)


def test_draft_toggle_adds_and_removes_a_gallery(session, site, tmp_path):
    result = rebuild(session, edit(site / "content/beta/deep/index.md", "title: Deep", "title: Deep\ndraft: true"))
    assert "beta/deep/index.html" in result.applied.removed
    result = rebuild(session, edit(site / "content/beta/deep/index.md", "draft: true", "draft: false"))
    assert "beta/deep/index.html" in result.applied.written
    assert result.images_processed == 0  # its photo's derivatives are still in the cache
    assert_same_as_fresh(session, tmp_path)


def test_cache_entries_pruned_by_another_build_are_processed_again(session, site, tmp_path):
    """`sitegen build` without drafts prunes what `serve --drafts` still shows: the preview must cope."""
    cache = session.image_cache.root
    for entry in cache.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
    result = rebuild(session, edit(site / "content/alpha/a2.md", "A *caption*.", "Another caption."))
    assert result.images_processed == 8
    assert_same_as_fresh(session, tmp_path)


def test_preview_matches_sitegen_build(session, site, tmp_path):
    """Same renderer, same pages: the preview differs from `sitegen build` output only by its base URL.

    Image files name the *published* site in their metadata (so preview and build share one image
    cache); with the published address equal to the preview's, the two must match byte for byte.
    """
    config = edit(site / "sitegen.toml", 'author = "Ann Example"', f'author = "Ann Example"\nbase_url = "{ORIGIN}/"')
    rebuild(session, config)
    out = tmp_path / "built"
    build(site, overrides={"build.jobs": 1}, output_dir=out)
    built, preview = tree(out), tree(session.folder.root)
    built.pop(".sitegen-output")
    assert sorted(built) == sorted(preview)
    assert [path for path in built if built[path] != preview[path]] == []


def test_preview_folder_is_private_and_removed(site):
    folder = PreviewFolder.create(site / ".sitegen-cache")
    assert folder.root.parent.parent == site / ".sitegen-cache" and str(os.getpid()) in folder.root.parent.name
    stale = site / ".sitegen-cache" / "serve-999999999"  # a server that was killed
    stale.mkdir()
    (stale / ".sitegen-preview").write_text(marker_text(999999999))
    again = PreviewFolder.create(site / ".sitegen-cache")
    assert not stale.exists()
    again.remove()
    assert not folder.root.exists()
    assert not (site / "public").exists()  # sitegen build's output is never touched
