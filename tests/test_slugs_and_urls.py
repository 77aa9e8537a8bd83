import unicodedata

import pytest

from sitegen.content.slugs import humanize, slugify
from sitegen.urls import Urls, base_path


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("DSC_0001", "dsc-0001"),
        ("My Summer  Trip", "my-summer-trip"),
        ("Café", "cafe"),
        (unicodedata.normalize("NFD", "Café"), "cafe"),  # macOS file names are decomposed
        ("Straße", "strasse"),
        ("東京 夜景", "東京-夜景"),
        ("--a__b--", "a-b"),
        ("!!!", ""),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_humanize():
    assert humanize("pier-at_dusk") == "Pier at dusk"


def test_base_path_forms():
    assert base_path("") == "/"
    assert base_path("https://ex.com") == "/"
    assert base_path("https://ex.com/portfolio") == "/portfolio/"
    assert base_path("/a/b/") == "/a/b/"


def test_urls_encode_and_absolutise():
    urls = Urls("https://ex.com/p/")
    assert urls.url("東京/") == "/p/%E6%9D%B1%E4%BA%AC/"
    assert urls.abs_url("") == "https://ex.com/p/"
    assert Urls("").abs_url("x/") is None
    assert Urls("/sub/").url("x/") == "/sub/x/"
