"""Theme lookup, site overrides and template errors."""

import pytest

from sitegen.errors import ConfigError, SitegenError

from .conftest import make_photo


def test_site_template_overrides_one_partial(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("templates/partials/footer.html", "<footer>custom footer</footer>")
    run_build()
    html = (site_dir / "public/g/a/index.html").read_text()
    assert "custom footer" in html and 'class="site-header"' in html  # the rest is still the theme's


def test_custom_theme_by_path_falls_back_to_default(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("mytheme/templates/page.html", "{% extends 'base.html' %}{% block content %}MINE{% endblock %}")
    write("mytheme/static/extra.css", "body{}")
    write("content/about.md", "hi")
    write("sitegen.toml", '[site]\ntheme = "./mytheme"\n')
    run_build()
    assert "MINE" in (site_dir / "public/about/index.html").read_text()
    assert (site_dir / "public/g/index.html").is_file()  # gallery.html from the default theme
    assert (site_dir / "public/theme/extra.css").is_file()


def test_unknown_theme_name(site_dir, write, run_build):
    write("sitegen.toml", '[site]\ntheme = "defualt"\n')
    with pytest.raises(ConfigError, match='did you mean "default"'):
        run_build()


def test_template_syntax_error_names_file_and_line(site_dir, write, run_build):
    write("content/about.md", "hi")
    write("templates/page.html", "{% extends 'base.html' %}\n{% block content %}\n{{ page.title \n{% endblock %}")
    with pytest.raises(SitegenError) as info:
        run_build()
    message = str(info.value)
    assert "page.html:" in message and "syntax error" in message and "\n" not in message


def test_undefined_variable_in_override_is_one_line(site_dir, write, run_build):
    write("content/about.md", "hi")
    write("templates/page.html", "{% extends 'base.html' %}{% block content %}{{ page.nope }}{% endblock %}")
    with pytest.raises(SitegenError, match=r"page\.html:1: template error while rendering /about/index\.html"):
        run_build()


def test_unknown_template_in_front_matter_suggests(site_dir, write, run_build):
    write("content/about.md", "---\ntemplate: pgae.html\n---\n")
    expected = r"content/about\.md: unknown template 'pgae\.html'; did you mean \"page\.html\""
    with pytest.raises(SitegenError, match=expected):
        run_build()


def test_autoescape_protects_against_markup_in_metadata(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("content/g/a.md", '---\ntitle: "<script>alert(1)</script>"\n---\n')
    run_build()
    html = (site_dir / "public/g/a/index.html").read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
