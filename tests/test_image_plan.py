"""A photo's derivative sizes are planned once per job, and the plan is the same one every asker saw."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from sitegen.images import process
from sitegen.images.jobs import ImageJob, SetMeta, Settings

from .test_cache_keys import base_job

META = SetMeta("#102030", "data:image/webp;base64,AAAA")


def marked_job() -> ImageJob:
    settings = Settings(
        widths=(400, 800, 1600), max_size=1600, formats=("jpeg", "webp"), quality=(("jpeg", 80), ("webp", 75))
    )
    return dataclasses.replace(base_job(), source_size=(3000, 2000), settings=settings, clean_widths=(400, 800))


def test_sizes_are_planned_once_however_often_they_are_asked(monkeypatch):
    """The planner, the writer's file list and the image set each asked: five plans a photo on a build."""
    calls: list[tuple[int, int]] = []
    real = process.plan_sizes

    def counted(width, height, widths, max_size):
        calls.append((width, height))
        return real(width, height, widths, max_size)

    monkeypatch.setattr(process, "plan_sizes", counted)
    job = marked_job()
    job.image_set(META), job.cache_files(Path("/cache")), job.sizes, job.thumb_sizes, job.image_set(META)
    assert calls == [(3000, 2000)]


def test_a_planned_job_answers_as_a_fresh_one():
    """Cached plans change nothing: the same files, names and sizes as a job that planned nothing yet."""
    used = marked_job()
    used.image_set(META), used.cache_files(Path("/cache"))
    fresh, unpickled = marked_job(), pickle.loads(pickle.dumps(used))
    for job in (fresh, unpickled):
        assert job == used and job.key == used.key
        assert job.image_set(META) == used.image_set(META)
        assert job.cache_files(Path("/cache")) == used.cache_files(Path("/cache"))
    image_set = used.image_set(META)
    assert [d.width for d in image_set.of_format("jpeg")] == [400, 800, 1600]
    assert [d.width for d in image_set.of_format("jpeg", "thumb")] == [400, 800]
    assert (image_set.width, image_set.height) == (1600, 1067)
