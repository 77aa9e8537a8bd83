"""build and serve run one sequence of phases, so they report the same problems in the same order."""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import Reporter
from sitegen.output.preview import PreviewFolder
from sitegen.pipeline.build import build
from sitegen.pipeline.session import BuildSession

from .conftest import make_photo


def make_site(site_dir: Path) -> None:
    (site_dir / "sitegen.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://example.com/"\n[theme_options]\nlogo = "missing.png"\n', "utf-8"
    )
    make_photo(site_dir / "content/g/a.jpg")  # no alt text
    (site_dir / "static").mkdir()
    (site_dir / "static/robots.txt").write_text("User-agent: *\n", "utf-8")  # sitegen writes its own


def test_warnings_come_in_phase_order_in_build_and_serve(site_dir, tmp_path):
    make_site(site_dir)
    built = Reporter(root=site_dir)
    build(site_dir, overrides={"build.jobs": 1}, reporter=built, output_dir=tmp_path / "out")
    order = [p.message for p in built.problems]
    # the template globals (logo), the alt-text check, the protection files, then publishing static/
    starts = ("[theme_options] logo:", "no alt text:", "[contact] email and url are both empty", "ignored: ")
    assert len(order) == len(starts) and all(m.startswith(s) for m, s in zip(order, starts, strict=True)), order
    assert "robots.txt" in order[3]

    folder = PreviewFolder.create(site_dir / ".sitegen-cache")
    try:
        served = Reporter(root=site_dir)
        BuildSession(site_dir, folder, overrides={"build.jobs": 1}).rebuild(reporter=served)
        assert [p.message for p in served.problems] == order
    finally:
        folder.remove()
