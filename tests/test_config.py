import re
from pathlib import Path

import pytest

from sitegen.config import Config, apply_overrides, load_project, parse_config
from sitegen.configschema import commented_toml, iter_keys
from sitegen.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "site/sitegen.toml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_no_file_means_protective_defaults(tmp_path):
    project = load_project(tmp_path)
    assert project.config_file is None
    assert project.config.images.max_size == 2048
    assert "jpeg" in project.config.images.formats
    assert project.output_dir == (tmp_path / "public").resolve()


def test_typo_names_file_line_key_and_suggestion():
    message = error_of('[site]\ntitle = "x"\ntitel = "y"\n')
    assert message == 'site/sitegen.toml:3: [site] titel: unknown key; did you mean "title"?'


def test_unknown_table_suggests_closest():
    assert 'did you mean "images"?' in error_of("[imgaes]\nwidths = [1]\n")


def test_key_at_top_level_is_pointed_to_its_table():
    assert "did you mean to put it under [site]?" in error_of('title = "x"\n')


def test_wrong_type_says_what_is_expected():
    message = error_of('[build]\njobs = "four"\n')
    assert message == "site/sitegen.toml:2: [build] jobs: expected an integer, got a string"


def test_booleans_are_not_integers():
    assert "expected an integer, got a boolean" in error_of("[images]\nmax_size = true\n")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[site]\nbase_url = "example.com"', "must be an absolute http(s) URL"),
        ('[site]\nlanguage = "english!"', "BCP 47"),
        ('[site]\ncopyright = "{yr} me"', "not {yr}"),
        ('[images]\nformats = ["gif"]', "not 'gif'"),
        ("[images]\nformats = []", "at least one format"),
        ("[images]\njpeg_quality = 101", "between 1 and 100"),
        ("[images]\nwidths = [0]", "between 16 and 16384"),
        ('[contact]\nemail = "nobody"', "e-mail address"),
    ],
)
def test_bad_values_are_refused(text, fragment):
    assert fragment in error_of(text)


def test_invalid_toml_is_one_line():
    assert "not valid TOML" in error_of("[site\n")


def test_overrides_are_validated_like_the_file():
    config = apply_overrides(Config(), {"site.base_url": "https://a.example/p/", "build.jobs": None})
    assert config.site.base_url == "https://a.example/p/"
    with pytest.raises(ConfigError, match=r"command line: \[site\] base_url"):
        apply_overrides(Config(), {"site.base_url": "not a url"})


def test_commented_template_lists_every_key_and_loads():
    text = commented_toml(Config, {"site.title": "T"}, "header")
    config = parse_config(text)
    assert config.site.title == "T"
    for key, _, _ in iter_keys(Config):
        name = key.split(".", 1)[1]
        assert re.search(rf"^(# )?{re.escape(name)} = ", text, re.M), key


def test_example_site_sets_every_key():
    text = (REPO / "example-site" / "sitegen.toml").read_text("utf-8")
    parse_config(text)
    for key, _, _ in iter_keys(Config):
        name = key.split(".", 1)[1]
        assert re.search(rf"^{re.escape(name)} = ", text, re.M), f"example-site does not set {key}"


def test_readme_documents_every_key():
    readme = (REPO / "README.md").read_text("utf-8")
    for key, _, _ in iter_keys(Config):
        assert f"`{key}`" in readme, f"README does not document {key}"


def folder_error(tmp_path: Path, toml: str) -> str:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "sitegen.toml").write_text(toml, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_project(site)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("toml", "key", "fragment"),
    [
        ('[build]\ncache_dir = "content"\n', "[build] cache_dir", '"content" is the site\'s content/ folder'),
        ('[build]\ncache_dir = "content/cache"\n', "[build] cache_dir", "is inside the site's content/ folder"),
        ('[build]\ncache_dir = "static"\n', "[build] cache_dir", '"static" is the site\'s static/ folder'),
        ('[build]\ncache_dir = "templates/x"\n', "[build] cache_dir", "is inside the site's templates/ folder"),
        ('[build]\ncache_dir = "."\n', "[build] cache_dir", "contains the site's content/ folder"),
        ('[build]\ncache_dir = ".."\n', "[build] cache_dir", "contains the site's content/ folder"),
        ('[build]\ncache_dir = "public"\n', "[build] cache_dir", "is the output folder"),
        ('[build]\ncache_dir = "public/.cache"\n', "[build] cache_dir", "is inside the output folder"),
        ('[site]\noutput = ".sitegen-cache"\n', "[site] output", "is the cache folder"),
        ('[site]\noutput = ".sitegen-cache/public"\n', "[site] output", "is inside the cache folder"),
    ],
)
def test_cache_folder_shares_no_folder_with_the_site(tmp_path, toml, key, fragment):
    message = folder_error(tmp_path, toml)
    assert message.startswith(f"{tmp_path / 'site' / 'sitegen.toml'}:2: {key}: "), message
    assert fragment in message


def test_cache_folder_inside_a_theme_folder_is_refused(tmp_path):
    (tmp_path / "site" / "mytheme" / "templates").mkdir(parents=True)
    message = folder_error(tmp_path, '[site]\ntheme = "./mytheme"\n[build]\ncache_dir = "mytheme/cache"\n')
    assert "[build] cache_dir" in message and 'is inside the folder of the theme "./mytheme"' in message


def test_a_symlink_cannot_hide_an_overlap(tmp_path):
    site = tmp_path / "site"
    (site / "content" / "galleries").mkdir(parents=True)
    (site / "cache-link").symlink_to(site / "content" / "galleries")
    message = folder_error(tmp_path, '[build]\ncache_dir = "cache-link"\n')
    assert "is inside the site's content/ folder" in message


def test_separate_folders_are_fine(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "sitegen.toml").write_text('[site]\noutput = "../www"\n[build]\ncache_dir = "../cache"\n', "utf-8")
    project = load_project(site)
    assert project.cache_dir == (tmp_path / "cache").resolve()
