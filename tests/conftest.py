"""Shared fixtures: tiny generated sites for unit tests, the real example-site for end-to-end tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sitegen.config import load_project
from sitegen.errors import Reporter
from sitegen.pipeline.build import BuildReport, build
from sitegen.protect import refusal
from sitegen.protect.policy import forget_signals
from sitegen.urls import Urls

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "example-site"


@pytest.fixture(autouse=True)
def _fresh_signals() -> None:
    """The signals memo lives as long as the process; a test that breaks the crawler code on purpose
    (the audit's broken-generator cases) must not be answered from an earlier test's signals."""
    forget_signals()
    refusal.forget()


def make_photo(
    path: Path,
    size: tuple[int, int] = (96, 64),
    colour: tuple[int, int, int] = (200, 120, 40),
    *,
    exif: Image.Exif | None = None,
    fmt: str | None = None,
    **save: object,
) -> Path:
    """A small real image file; a gradient so resizing has something to do."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 8):
        image.paste((x % 256, colour[1], 255 - x % 256), (x, 0, min(x + 4, size[0]), size[1]))
    kwargs: dict[str, object] = dict(save)
    if exif is not None:
        kwargs["exif"] = exif
    image.save(path, fmt, **kwargs)
    return path


def two_galleries(write: Callable[[str, str | bytes], Path], site_dir: Path, title: str, photos: int) -> Path:
    """A site of two galleries ("sea", "hills") of ``photos`` small photos, each with a title, alt text and caption."""
    write("sitegen.toml", f'[site]\ntitle = "{title}"\nbase_url = "https://example.com/"\n')
    write("content/about.md", "---\ntitle: About\n---\nAbout.\n")
    for gallery in ("sea", "hills"):
        write(f"content/{gallery}/index.md", f"---\ntitle: {gallery.title()}\n---\n")
        for n in range(photos):
            make_photo(site_dir / f"content/{gallery}/p{n}.jpg", colour=(40 * n, 90, 160))
            write(f"content/{gallery}/p{n}.md", f"---\ntitle: {gallery} {n}\nalt: Photo {n}\n---\nCaption {n}.\n")
    return site_dir


def run_python(script: str, *args: object) -> dict[str, Any]:
    """``script`` run in a fresh interpreter on this checkout; what it printed last, as JSON.

    For what must not run in the test process: forking render workers is refused in a process
    with other threads (another test's server), and patched modules must not leak into other tests.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", script, *map(str, args)], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    return root


@pytest.fixture
def write(site_dir: Path) -> Callable[[str, str | bytes], Path]:
    """write("content/about.md", "...") inside the test site."""

    def _write(rel: str, data: str | bytes) -> Path:
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, "utf-8")
        return path

    return _write


@pytest.fixture
def run_build(site_dir: Path) -> Callable[..., tuple[BuildReport, Reporter]]:
    """Build the test site single-process (fast for tiny images) and return report and problems."""

    def _run(**overrides: object) -> tuple[BuildReport, Reporter]:
        reporter = Reporter(root=site_dir)
        opts = {"build.jobs": 1} | {k.replace("__", "."): v for k, v in overrides.items()}
        report = build(site_dir, overrides=opts, reporter=reporter)
        return report, reporter

    return _run


@pytest.fixture(scope="session")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of example-site (so tests never write into the repository)."""
    dest = tmp_path_factory.mktemp("example") / "example-site"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
    return dest


@pytest.fixture(scope="session")
def example_build(example_copy: Path) -> tuple[Path, BuildReport, Reporter]:
    """example-site built once per test session into its own temporary folder."""
    reporter = Reporter(root=example_copy)
    report = build(example_copy, reporter=reporter)
    return example_copy / "public", report, reporter


@pytest.fixture(scope="session")
def example_url(example_build: tuple[Path, BuildReport, Reporter]) -> Iterator[str]:
    """The built example-site served on 127.0.0.1 for the whole session (one server for every browser test).

    It also makes test-artifacts/browser/, where the browser tests leave their screenshots.
    """
    from .browser import serve

    (REPO / "test-artifacts" / "browser").mkdir(parents=True, exist_ok=True)
    with serve(example_build[0]) as base:
        yield base


@pytest.fixture
def output_copy(example_build: tuple[Path, BuildReport, Reporter], tmp_path: Path) -> Path:
    """A copy of the built example-site that a test may break (the shared build stays intact)."""
    copy = tmp_path / "public"
    shutil.copytree(example_build[0], copy)
    return copy


@pytest.fixture(scope="session")
def live_example(example_copy: Path, tmp_path_factory: pytest.TempPathFactory):
    """example-site built for, and served at, a local test host that applies its ``_headers`` file.

    The server starts first so the build can use its real address as ``base_url`` (absolute URLs in
    robots.txt, tdm-policy and JSON-LD then point at the server being checked).
    """
    from .headers_server import serve

    output = tmp_path_factory.mktemp("live") / "public"
    output.mkdir()
    # The host refuses AI agents as the edge function sitegen writes for Netlify / Cloudflare Pages
    # does; that JavaScript is rendered from the same rule (protect/refusal.py) and run under node
    # in test_refusal_edge.py. Known only once the build has its address.
    rules: list[refusal.Refusal] = []
    with serve(output, refuse_for=lambda agent, path: any(r.refuses(agent, path) for r in rules)) as url:
        build(example_copy, overrides={"site.base_url": url}, output_dir=output, reporter=Reporter())
        rules.append(refusal.refusal_for(load_project(example_copy, {"site.base_url": url}).config, Urls(url)))
        yield url, output


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for every browser test (Playwright allows one sync driver at a time)."""
    from .browser import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
        if os.environ.get("SITEGEN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
