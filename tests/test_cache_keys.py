"""Every cache answers for what its value depends on, never for an object's identity or a path alone."""

from __future__ import annotations

import dataclasses

from PIL import Image

from sitegen.config import load_project, parse_config
from sitegen.content.reader import read_site
from sitegen.errors import Reporter
from sitegen.images.credentials import SigningSpec
from sitegen.images.jobs import ImageJob, Settings
from sitegen.images.metadata import Description, Rights
from sitegen.images.probe import ProbeCache
from sitegen.images.watermark import WatermarkSpec
from sitegen.pipeline.imagejobs import plan
from sitegen.protect.policy import signals_for

from .conftest import make_photo


def test_signals_follow_the_protect_section_value_not_the_config_object():
    """A config's lists can change under the same object; an identity-keyed memo kept the old agents."""
    config = parse_config('[protect]\nblock_agents = ["FirstScraper"]')
    assert "FirstScraper" in signals_for(config).ai_agents
    config.protect.block_agents.append("LaterScraper")
    assert "LaterScraper" in signals_for(config).ai_agents


def test_equal_protect_sections_share_one_answer():
    """Two loads of the same [protect] (serve reloads the config on every save) are one computation."""
    first, second = parse_config('[site]\ntitle = "A"'), parse_config('[site]\ntitle = "B"')
    assert signals_for(first) is signals_for(second) is signals_for(first)
    other = parse_config('[protect]\npolicy = "off"')
    assert signals_for(other) is not signals_for(first) and not signals_for(other).ai_agents


# --- the image job: plain values in, a key over exactly what changes the output ----------------------

# Every field of ImageJob, by whether it changes the files a worker writes. A new field must be
# placed here: the key is a promise that equal keys mean equal bytes, and only those.
KEYED = {
    "content_hash": "ffff",
    "orientation": 6,
    "settings": Settings(widths=(64,), max_size=64, formats=("webp",), quality=(("webp", 70),)),
    "watermark": WatermarkSpec("© B", None, None, "top-left", 0.1, 0.02, 0.5, "dark"),
    "rights": Rights("B", "© B", True, "B"),
    "description": Description("Title", "Caption", "Alt", ("k",)),
    "keep_camera": True,
    "file_hashes": ("0" * 32,),
    "clean_widths": (32,),
    "identify": True,  # the ISCC in XMP
    "signing": SigningSpec("/c.pem", "/k.pem", "c" * 32, "k" * 32, "B", "© B", "DMI-PROHIBITED"),
}
NOT_KEYED = {
    "source": "/elsewhere/renamed.jpg",  # the same bytes anywhere are the same photo
    "source_size": (48, 64),  # read from the content hashed above
    "output_stem": "media/other/name",  # names the published files; the cache entry is the same
}


def base_job() -> ImageJob:
    return ImageJob(
        source="/site/content/g/a.jpg",
        content_hash="eeee",
        orientation=1,
        source_size=(64, 48),
        settings=Settings(widths=(32, 64), max_size=64, formats=("jpeg",), quality=(("jpeg", 80),)),
        output_stem="media/g/a",
        watermark=WatermarkSpec("© A", "/site/font.ttf", None, "bottom-right", 0.05, 0.02, 0.7, "auto"),
        file_hashes=("1" * 32,),
    )


def test_every_image_job_field_is_declared_keyed_or_not():
    assert {f.name for f in dataclasses.fields(ImageJob)} == set(KEYED) | set(NOT_KEYED)


def test_the_job_key_changes_with_every_keyed_field_and_no_other():
    job = base_job()
    for name, value in KEYED.items():
        assert dataclasses.replace(job, **{name: value}).key != job.key, name
    for name, value in NOT_KEYED.items():
        assert dataclasses.replace(job, **{name: value}).key == job.key, name
    # The mark's files count by their contents (file_hashes), never by where they are.
    moved = dataclasses.replace(job, watermark=dataclasses.replace(job.watermark, font="/moved/font.ttf"))
    assert moved.key == job.key


PLAIN = (str, int, float, bool, type(None))


def plain(value: object) -> bool:
    """Values a worker process can take: no config, content model or path objects."""
    if isinstance(value, PLAIN):
        return True
    if isinstance(value, tuple):
        return all(map(plain, value))
    if dataclasses.is_dataclass(value) and type(value).__module__.startswith("sitegen.images."):
        return all(plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def test_planned_jobs_hold_plain_values_only(site_dir, write):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", "---\nalt: A test pattern\ntitle: A\nkeywords: [one, two]\n---\n")
    Image.new("RGBA", (20, 20), (255, 0, 0, 255)).save(site_dir / "logo.png")
    write("sitegen.toml", '[watermark]\nenabled = true\nlogo = "logo.png"\n[metadata]\nembed_captions = true\n')
    project = load_project(site_dir)
    reporter = Reporter(root=site_dir)
    jobs = plan(read_site(project, reporter, ProbeCache(None)))
    assert len(jobs) == 1 and not reporter.problems
    (job,) = jobs.values()
    assert job.watermark is not None and job.rights is not None and job.description is not None
    for f in dataclasses.fields(job):
        assert plain(getattr(job, f.name)), (f.name, getattr(job, f.name))


def test_signing_is_keyed_on_the_credentials_contents_not_their_paths():
    spec = KEYED["signing"]
    job = dataclasses.replace(base_job(), signing=spec)
    moved = dataclasses.replace(spec, chain="/elsewhere/c.pem", key="/elsewhere/k.pem")
    assert dataclasses.replace(job, signing=moved).key == job.key
    for field in ("chain_digest", "key_digest", "creator", "copyright", "data_mining"):
        assert dataclasses.replace(job, signing=dataclasses.replace(spec, **{field: "other"})).key != job.key, field
