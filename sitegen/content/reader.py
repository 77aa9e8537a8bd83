"""Walk ``content/`` and build the content model.

Rules (also in the README):

* ``content/index.md`` is the home page; any other ``*.md`` is a page.
* A folder holding photos, sub-galleries or an ``index.md`` is a gallery;
  ``index.md`` inside it carries the gallery's front matter and text.
* ``NAME.md`` (or ``NAME.jpg.md``) beside ``NAME.jpg`` is that photo's sidecar.
* Hidden files (``.DS_Store``) and unknown files are skipped, never fatal.
* Which files exist at all (symlinks out of the site, pipes, undecodable names,
  link loops, nesting depth) is decided by :mod:`sitegen.sitefiles`, the same
  rule the stamp, the static copier and the theme loader use.

A bad file costs only itself: it is reported as one ``file:line`` warning and
left out. Only problems that would make the site wrong as a whole (two things
claiming one URL) stop the build.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup as HTML

from ..config import Project
from ..errors import FILE_SKIPPED, PAGE_SKIPPED, PHOTO_SKIPPED, ContentError, Reporter, is_environment_error
from ..images.formats import QUIET_EXTENSIONS, ImageReadError, is_photo
from ..images.probe import ProbeCache
from ..rights.addresses import LICENSING_PATH
from ..sitefiles import Entry, is_hidden
from ..strings import Strings
from ..untrusted import plain_html
from ..urls import base_path
from . import frontmatter as fm
from .keywords import KEYWORDS_PATH
from .markup import LARGE_PAGE_BYTES, Markup
from .matter import GalleryMatter, HomeMatter, M, PageMatter, PhotoMatter, read_matter
from .memo import ParseMemo
from .model import Gallery, Kind, Page, Photo, Site
from .randomslugs import RANDOM, RandomSlugs
from .slugs import humanize, slugify


def natural_key(text: str) -> list[Any]:
    """Sort "img2" before "img10", case-insensitively, as a file browser does."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


class _Reader:
    def __init__(
        self, project: Project, reporter: Reporter, probes: ProbeCache, drafts: bool, memo: ParseMemo | None = None
    ) -> None:
        self.project = project
        self.reporter = reporter
        self.probes = probes
        self.drafts = drafts
        self.markup = Markup(base_path(project.config.site.base_url))
        self.memo = memo
        # site path -> the file that claimed it, or a description of a page sitegen generates
        self.claimed: dict[str, Path | str] = {}
        self.claimed_below: dict[str, str] = {}  # a folder of URLs sitegen generates -> its description
        self.seen_photos: set[str] = set()
        self.files = project.files(reporter)
        self.readable: set[Path] = set()  # every regular file the walker admitted so far
        site = project.config.site
        self.strings = Strings.for_site(site.language, site.strings)
        self.random_slugs: RandomSlugs | None = None  # slugs.toml, read when a gallery asks for `slug: random`

    def listing(self, folder: Entry) -> list[Entry] | None:
        """A folder's entries under the one rule of :mod:`sitegen.sitefiles` (hidden ones left out)."""
        found = self.files.entries(folder, is_hidden)
        if found is not None:
            self.readable.update(e.path for e in found if not e.is_dir)
        return found

    # -- helpers -----------------------------------------------------------

    def claim(self, site_path: str, source: Path) -> bool:
        """Register a URL; two sources for one URL is an error naming both as they really are."""
        other = self.claimed.get(site_path) or self.generated_below(site_path)
        if other is not None:
            if isinstance(other, str):  # a generated page: only the file can move
                hint = f"set a different `slug:` in {self.rel(source)}'s front matter or rename it"
            else:
                hint = "rename one or set a different `slug:` in its front matter"
            self.reporter.error(
                f"/{site_path} is claimed by both {self.rel(other)} and {self.rel(source)}; {hint}", source
            )
            return False
        self.claimed[site_path] = source
        return True

    def reserve(self, site_path: str, what: str) -> None:
        """Claim a URL for a page sitegen generates itself, before any file is read, so clashes name it."""
        self.claimed[site_path] = what

    def reserve_below(self, prefix: str, what: str) -> None:
        """Claim every URL under ``prefix`` (the keyword pages: their slugs are known only after reading)."""
        self.claimed_below[prefix] = what

    def generated_below(self, site_path: str) -> str | None:
        return next((what for prefix, what in self.claimed_below.items() if site_path.startswith(prefix)), None)

    def rel(self, path: Path | str) -> str:
        if isinstance(path, str):
            return path
        try:
            return str(path.relative_to(self.project.root))
        except ValueError:
            return str(path)

    def html(self, markdown: str) -> str:
        return self.memo.convert(self.markup, markdown) if self.memo else self.markup.convert(markdown)

    def load(self, path: Path, cls: type[M]) -> tuple[M, str] | None:
        """Checked front matter and body of a Markdown file, or None if it cannot be read.

        Broken front matter is an error, not a skipped file: skipping would take a
        page (and its menu entry) off the published site, publish a draft whose
        ``draft: true`` went unread, or a photo without its alt text, all with
        exit status 0. The build stops instead and the published site stays as
        it was (in ``sitegen serve``, the error shows over the page).
        """
        try:
            doc = self.memo.parse(fm.read_text(path)) if self.memo else fm.load(path)
        except fm.FrontMatterError as exc:
            self.reporter.error(f"{exc.message}; nothing is published until it is fixed", path, exc.line)
            return None
        except OSError as exc:
            if is_environment_error(exc):
                raise  # the machine's fault, not the file's: the build stops (one line, in pipeline/build.py)
            self.reporter.warning(f"cannot read file ({exc.strerror}); skipped", path, kind=PAGE_SKIPPED)
            return None
        size = len(doc.body.encode("utf-8", "surrogatepass"))
        if size > LARGE_PAGE_BYTES:
            self.reporter.warning(
                f"{size / 1_000_000:.1f} MB of Markdown (more than {LARGE_PAGE_BYTES // 1_000_000} MB): it costs "
                "seconds on every build and is heavy to read on a phone; split it into several pages",
                path,
                doc.body_line,
            )
        return read_matter(cls, doc.meta, path, self.reporter), doc.body

    def slug_for(self, slug_key: str | None, name: str, source: Path) -> str | None:
        slug = slugify(slug_key or name)
        if not slug:
            self.reporter.warning(
                f"cannot make a URL from the name {name!r}; set `slug:` in front matter; skipped", source
            )
            return None
        return slug

    # -- pages -------------------------------------------------------------

    def read_page(self, path: Path, prefix: str) -> Page | None:
        loaded = self.load(path, PageMatter)
        if loaded is None:
            return None
        matter, body = loaded
        if matter.draft and not self.drafts:
            return None
        slug = self.slug_for(matter.slug, path.stem, path)
        if slug is None:
            return None
        site_path = f"{prefix}{slug}/"
        if not self.claim(site_path, path):
            return None
        return self._page(path, site_path, matter, body, humanize(path.stem))

    def read_home(self, path: Path) -> Page:
        title = self.project.config.site.title
        if path not in self.readable:
            return Page(source=None, path="", title=title, kind=Kind.HOME, template="home.html")
        loaded = self.load(path, HomeMatter)
        if loaded is None:
            return Page(source=path, path="", title=title, kind=Kind.HOME, template="home.html")
        matter, body = loaded
        page = self._page(path, "", matter, body, title, Kind.HOME, "home.html")
        page.featured = matter.featured
        return page

    def read_licensing(self, path: Path) -> Page:
        """The generated /licensing/ page; ``content/licensing.md``, when present, supplies its title and text."""
        matter, body = (self.load(path, PageMatter) if path in self.readable else None) or (PageMatter(), "")
        if matter.slug and slugify(matter.slug) + "/" != LICENSING_PATH:
            self.reporter.warning(
                f"`slug:` ignored: the licensing page is always /{LICENSING_PATH}, the address every "
                "machine-readable rights statement of the site points to",
                path,
                fm.line_of_key(path, "slug"),
            )
        site = self.project.config.site
        title = Strings.for_site(site.language, site.strings).get("licensing.title")  # the default, in its language
        page = self._page(path, LICENSING_PATH, matter, body, title, Kind.LICENSING, "licensing.html")
        page.source = path if path in self.readable else None
        page.draft = False
        return page

    def _page(
        self,
        path: Path,
        site_path: str,
        matter: PageMatter,
        body: str,
        title: str,
        kind: Kind = Kind.PAGE,
        template: str = "page.html",
    ) -> Page:
        return Page(
            source=path,
            path=site_path,
            title=matter.title if matter.title is not None else title,
            body_html=self.html(body),
            description=matter.description,
            date=matter.date,
            draft=matter.draft,
            template=matter.template or template,
            menu=matter.menu,
            weight=matter.weight,
            extra=dict(matter.extra),
            kind=kind,
        )

    # -- galleries ---------------------------------------------------------

    def template_in_extra(self, matter: GalleryMatter, index: Path) -> GalleryMatter:
        """``extra: {template: x}`` picked a gallery's template before ``template:`` was a key; still honoured."""
        old = matter.extra.get("template")
        if matter.template is not None or not isinstance(old, str):
            return matter
        self.reporter.warning(
            "`template:` under `extra:` is read as the gallery's template; move it up, out of `extra:`",
            index,
            fm.line_of_key(index, "extra"),
        )
        return dataclasses.replace(matter, template=old)

    def reserve_licensing(self, content: Path) -> Path | None:
        """With [licensing] page on, content/licensing.md is not a page of its own but the text of the
        generated one: its URL is taken before any file can claim it. Returns that file's path then."""
        licensing_md = content / "licensing.md" if self.project.config.licensing.page else None
        if licensing_md is not None:
            what = f"the licensing page ({self.rel(licensing_md)} and [licensing] page = true)"
            if licensing_md not in self.readable:
                what = "the licensing page sitegen generates ([licensing] page = true)"
            self.reserve(LICENSING_PATH, what)
        return licensing_md

    def read_top(
        self, entries: list[Entry], licensing_md: Path | None, pages: list[Page], unlisted: list[Gallery]
    ) -> list[Gallery]:
        """The top of ``content/``: folders are galleries, ``.md`` files pages; photos here are misplaced.

        Returns the listed galleries; unlisted ones go to ``unlisted``."""
        galleries: list[Gallery] = []
        entries.sort(key=lambda e: natural_key(e.name))
        for node in entries:
            entry = node.path
            if entry == licensing_md:
                continue
            if node.is_dir:
                gallery = self.read_folder(node, None, pages)
                if gallery is not None:
                    (unlisted if gallery.own_unlisted else galleries).append(gallery)
            elif entry.suffix.lower() == ".md":
                if entry.name != "index.md":
                    page = self.read_page(entry, "")
                    if page is not None:
                        pages.append(page)
            elif is_photo(entry):
                self.reporter.warning(
                    "photos must be inside a gallery folder (content/<gallery>/); skipped", entry, kind=PHOTO_SKIPPED
                )
            elif entry.suffix.lower() not in QUIET_EXTENSIONS:
                self.reporter.warning("skipped: not a page (.md) or a gallery folder", entry, kind=FILE_SKIPPED)
        return galleries

    def read_folder(self, node: Entry, parent: Gallery | None, pages: list[Page]) -> Gallery | None:
        """Read one folder; returns a gallery, or None for a folder that holds only pages (or nothing)."""
        folder = node.path
        listing = self.listing(node)
        if listing is None:
            return None
        listing.sort(key=lambda e: natural_key(e.name))
        visible = [e.path for e in listing]
        dirs = {e.path: e for e in listing if e.is_dir}

        photos = [e for e in visible if is_photo(e) and e not in dirs]
        index = folder / "index.md" if folder / "index.md" in self.readable else None
        gallery = self.open_gallery(folder, index, parent)
        if gallery is None:
            return None
        sub_pages, sidecars = self.sort_files(visible, dirs, photos)

        for source in photos:
            photo = self.read_photo(source, sidecars.get(source), gallery)
            if photo is not None and self.claim(photo.path, source):
                (gallery.unlisted_photos if photo.matter.unlisted else gallery.photos).append(photo)

        for entry in visible:
            if entry in dirs:
                child = self.read_folder(dirs[entry], gallery, pages)
                if child is not None:
                    (gallery.unlisted_children if child.own_unlisted else gallery.children).append(child)

        # Pages in a folder live under its URL, whether or not the folder is a gallery.
        for page_file in sub_pages:
            page = self.read_page(page_file, gallery.path)
            if page is not None:
                page.unlisted = gallery.unlisted
                pages.append(page)

        if not (photos or index is not None or gallery.children or gallery.unlisted_children):
            return None
        if not self.claim(gallery.path, index or folder):
            return None
        self.order(gallery)
        return gallery

    def open_gallery(self, folder: Path, index: Path | None, parent: Gallery | None) -> Gallery | None:
        """The folder as a gallery with its front matter and text, still empty; None for a draft or a bad slug."""
        key = folder.relative_to(self.project.content_dir).as_posix()
        matter, body = (self.load(index, GalleryMatter) if index else None) or (GalleryMatter(), "")
        if matter.draft and not self.drafts:
            return None
        if index is not None:
            matter = self.template_in_extra(matter, index)

        if matter.slug == RANDOM:
            if self.random_slugs is None:
                self.random_slugs = RandomSlugs(self.project.root, self.project.config.build.strict)
            slug: str | None = self.random_slugs.slug(key)
        else:
            slug = self.slug_for(matter.slug, folder.name, index or folder)
        if slug is None:
            return None
        if matter.client and matter.client not in self.project.config.clients.logins:
            known = ", ".join(self.project.config.clients.logins) or "none"
            self.reporter.error(
                f"`client: {matter.client}` is not in [clients.logins] of sitegen.toml (known: {known}); "
                "nothing is published until it is, so the gallery never goes out unprotected",
                index,
                fm.line_of_key(index, "client") if index else None,
            )
        gallery = Gallery(source=folder, key=key, slug=slug, parent=parent, index_file=index, matter=matter)
        if self.generated_below(gallery.path):
            self.claim(gallery.path, index or folder)  # one error for the gallery, none for each photo
            return None
        gallery.body_html = self.html(body) if body.strip() else ""
        return gallery

    def sort_files(
        self, visible: list[Path], dirs: dict[Path, Entry], photos: list[Path]
    ) -> tuple[list[Path], dict[Path, Path]]:
        """A folder's ``.md`` files as pages or photo sidecars (by name); other unknown files are reported."""
        stems = {p.stem.casefold(): p for p in photos} | {p.name.casefold(): p for p in photos}
        sub_pages: list[Path] = []
        sidecars: dict[Path, Path] = {}
        for entry in visible:
            if entry in dirs:
                continue
            suffix = entry.suffix.lower()
            if suffix == ".md":
                if entry.name == "index.md":
                    continue
                stem = entry.stem.casefold()
                target = stems.get(stem)
                if target is not None:
                    sidecars[target] = entry
                else:
                    sub_pages.append(entry)
            elif is_photo(entry):
                continue
            elif suffix not in QUIET_EXTENSIONS:
                self.reporter.warning(
                    f"skipped: {suffix or 'files without an extension'} is not a supported photo format "
                    "(use JPEG, PNG, WebP, TIFF, AVIF or HEIC)",
                    entry,
                    kind=FILE_SKIPPED,
                )
        return sub_pages, sidecars

    def read_photo(self, source: Path, sidecar: Path | None, gallery: Gallery) -> Photo | None:
        matter, caption_md = (self.load(sidecar, PhotoMatter) if sidecar else None) or (PhotoMatter(), "")
        caption_md = caption_md.strip()
        if matter.draft and not self.drafts:
            return None
        self.seen_photos.add(str(source))
        try:
            info = self.probes.get(source)
        except ImageReadError as exc:
            self.reporter.warning(f"skipped: {exc}", source, kind=PHOTO_SKIPPED)
            return None
        except OSError as exc:
            if is_environment_error(exc):
                raise
            self.reporter.warning(f"skipped: cannot read file ({exc.strerror or exc})", source, kind=PHOTO_SKIPPED)
            return None
        for note in info.notes:
            self.reporter.warning(note, source)
        if info.frames > 1:
            self.reporter.warning("animated image: only the first frame is published", source)
        slug = self.slug_for(matter.slug, source.stem, sidecar or source)
        if slug is None:
            return None
        photo = Photo(source=source, slug=slug, gallery=gallery, info=info, sidecar=sidecar, matter=matter)
        own = matter.caption or caption_md  # the photographer's Markdown
        if own:
            photo.caption_html = HTML(self.html(own))
        elif info.caption:
            photo.caption_html = plain_html(info.caption)  # the file's own: plain text, never Markdown
        return photo

    # -- ordering ----------------------------------------------------------

    def order(self, gallery: Gallery) -> None:
        """Sort photos and sub-galleries, link neighbours and pick the cover."""
        mode = gallery.matter.sort
        photos = sorted(gallery.photos, key=lambda p: natural_key(p.source.name))
        if mode == "date":
            photos.sort(key=lambda p: (p.date is None, p.date or 0))
        elif mode == "manual":
            order = [name.casefold() for name in gallery.matter.order]
            position = {name: i for i, name in enumerate(order)}
            known = {p.source.name.casefold() for p in photos}
            for name in order:
                if name not in known:
                    self.reporter.warning(
                        f"`order:` lists {name!r}, which is not a photo in this gallery", gallery.index_file
                    )

            def manual_key(p: Photo) -> tuple[int, Any, Any]:
                name = p.source.name.casefold()
                if name in position:
                    return (0, position[name], "")
                sort = p.matter.sort
                if sort is not None:
                    return (1, (isinstance(sort, str), sort), "")
                return (2, 0, natural_key(p.source.name))

            photos.sort(key=manual_key)
        if gallery.matter.reverse:
            photos.reverse()
        gallery.photos = photos
        for before, after in itertools.pairwise(photos):
            before.next, after.prev = after, before
        for number, photo in enumerate(photos, 1):  # "Harbour, photo 3" where the title is a camera's file name
            photo.untitled = self.strings.get("camera.untitled", gallery=gallery.title, number=number)
        # Unlisted photos link to no neighbour: a pager is a listing too.
        gallery.unlisted_photos.sort(key=lambda p: natural_key(p.source.name))

        gallery.children.sort(key=lambda g: (g.weight, natural_key(g.title)))
        gallery.unlisted_children.sort(key=lambda g: (g.weight, natural_key(g.title)))
        gallery.cover = self.pick_cover(gallery)

    def pick_cover(self, gallery: Gallery) -> Photo | None:
        wanted = gallery.matter.cover
        if wanted:
            target = wanted.strip("/").casefold()
            listed = set(gallery.listed_photos())
            for photo in gallery.all_photos():
                rel = photo.source.relative_to(gallery.source).as_posix().casefold()
                if target in (rel, photo.source.name.casefold(), photo.source.stem.casefold()):
                    if photo in listed:
                        return photo
                    why = "is unlisted (a cover is shown wherever the gallery is)"
                    break
            else:
                why = "is not a photo in this gallery"
            self.reporter.warning(
                f"cover {wanted!r} {why}; using the first photo instead",
                gallery.index_file,
                fm.line_of_key(gallery.index_file, "cover") if gallery.index_file else None,
            )
        if gallery.photos:
            return gallery.photos[0]
        for child in gallery.children:
            if child.cover:
                return child.cover
        return None


def photo_files(project: Project) -> list[Path]:
    """Every readable visible photo below ``content/`` (for probing ahead; the reader decides what counts).

    Walked under the same rule as the reader, silently (the reader reports), so probing ahead
    never opens a pipe or a file outside the site.
    """
    files = project.files()
    return [e.path for e in files.walk(project.content_dir, is_hidden) if is_photo(e.path)]


def read_site(
    project: Project,
    reporter: Reporter,
    probes: ProbeCache,
    drafts: bool | None = None,
    memo: ParseMemo | None = None,
) -> Site:
    """Read the whole content folder; raises :class:`ContentError` when the site cannot be built.

    ``memo`` (kept by ``sitegen serve`` between reads) skips parsing files whose text did not change.
    """
    content = project.content_dir
    reader = _Reader(project, reporter, probes, project.config.build.drafts if drafts is None else drafts, memo)
    top = reader.files.root(content)
    entries = reader.listing(top) if top is not None else None
    if entries is None:
        raise ContentError(
            f"{content}: no content folder; put your photos and pages in content/ (or run `sitegen new`)"
        )
    home = reader.read_home(content / "index.md")
    reader.claimed[""] = home.source or content
    pages: list[Page] = []
    licensing_md = reader.reserve_licensing(content)
    if project.config.keywords.enabled:
        reader.reserve_below(KEYWORDS_PATH, "the keyword pages sitegen generates ([keywords] enabled = true)")
    unlisted: list[Gallery] = []
    galleries = reader.read_top(entries, licensing_md, pages, unlisted)
    if licensing_md is not None:
        pages.append(reader.read_licensing(licensing_md))
    probes.forget_missing(reader.seen_photos)
    galleries.sort(key=lambda g: (g.weight, natural_key(g.title)))
    pages.sort(key=lambda p: (p.weight, natural_key(p.title)))
    if reporter.errors:
        raise ContentError(f"{len(reporter.errors)} content error(s) above; nothing was published")
    if reader.random_slugs is not None:
        reader.random_slugs.save()
    unlisted.sort(key=lambda g: (g.weight, natural_key(g.title)))
    site = Site(project=project, home=home, pages=pages, galleries=galleries, unlisted_galleries=unlisted)
    _check_featured(site, reporter)
    return site


def _check_featured(site: Site, reporter: Reporter) -> None:
    """The home page's ``featured:`` names galleries that exist (a warning each, not an error)."""
    home = site.home
    wanted = home.featured or []
    known = {g.key for g in site.all_galleries()} | {g.path.strip("/") for g in site.all_galleries()}
    listed = {g.key for g in site.listed_galleries()} | {g.path.strip("/") for g in site.listed_galleries()}
    for name in wanted:
        if name.strip("/") not in known:
            reporter.warning(f"`featured:` lists {name!r}, which is not a gallery", home.source)
        elif name.strip("/") not in listed:
            reporter.warning(f"`featured:` lists {name!r}, which is unlisted; not shown", home.source)
