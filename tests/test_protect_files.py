"""ai.txt, TDMRep, the TDM policy, .nojekyll and the host header files, and the switches that turn them off."""

from __future__ import annotations

import json
import re

from sitegen.config import Config, parse_config
from sitegen.errors import Reporter
from sitegen.protect import hostfiles
from sitegen.protect.headers import IMMUTABLE, header_rules, response_headers
from sitegen.rights.addresses import acquire_licence_url, licensing_url, tdm_policy_url
from sitegen.urls import Urls

from .conftest import make_photo

ORIGIN = "https://example.com"
POLICY = f"{ORIGIN}/tdm-policy.json"
PROTECTION = [
    ("X-Robots-Tag", "noai, noimageai"),
    ("tdm-reservation", "1"),
    ("tdm-policy", POLICY),
    ("Content-Usage", "train-ai=n, ai-use=n, search=y"),
]
RSL_LINK = ("Link", f'<{ORIGIN}/license.xml>; rel="license"; type="application/rsl+xml"')


def test_licensing_urls_for_the_image_pipeline():
    urls = Urls("https://example.org/portfolio/")
    assert licensing_url(urls) == "https://example.org/portfolio/licensing/"
    assert acquire_licence_url(urls) == "https://example.org/portfolio/licensing/#license-a-photo"
    assert tdm_policy_url(urls) == "https://example.org/portfolio/tdm-policy.json"
    assert licensing_url(Urls("")) == "/licensing/"  # no host: root-relative rather than nothing


def test_ai_txt_tdmrep_and_policy(example_build):
    output, _, _ = example_build
    ai = (output / "ai.txt").read_text("utf-8").splitlines()
    assert "User-Agent: *" in ai and "Disallow: /" in ai and "Disallow: *.webp" in ai and "Disallow: *.jpg" in ai
    rules = json.loads((output / ".well-known/tdmrep.json").read_text("utf-8"))
    assert rules == [{"location": "/", "tdm-reservation": 1, "tdm-policy": POLICY}]
    assert type(rules[0]["tdm-reservation"]) is int  # a JSON number, not the string "1"
    policy = json.loads((output / "tdm-policy.json").read_text("utf-8"))
    assert policy["@context"] == ["http://www.w3.org/ns/odrl.jsonld", "http://www.w3.org/ns/tdmrep.jsonld"]
    assert policy["@type"] == "Offer" and policy["profile"] == "http://www.w3.org/ns/tdmrep"
    assert policy["uid"] == POLICY
    assert policy["assigner"]["vcard:hasEmail"] == "mailto:licensing@example.com"
    assert policy["permission"] == [{"action": "tdm:mine", "duty": [{"action": "obtainConsent"}]}]
    assert (output / ".nojekyll").is_file() and (output / ".nojekyll").stat().st_size == 0


def netlify_rules(text: str) -> dict[str, list[tuple[str, str]]]:
    rules: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = rules.setdefault(line.strip(), [])
        else:
            name, _, value = line.strip().partition(": ")
            current.append((name, value))
    return rules


def test_headers_file_sends_noai_first_and_alone_on_every_path(example_build):
    output, _, _ = example_build
    rules = netlify_rules((output / "_headers").read_text("utf-8"))
    assert rules["/*"] == PROTECTION  # X-Robots-Tag first, with nothing else on its line
    assert rules["/media/*"] == [("Cache-Control", IMMUTABLE), RSL_LINK]
    assert rules["/license.xml"] == [("Content-Type", "application/rsl+xml")]
    assert len(rules) == 3


def test_htaccess_sets_every_header_once_and_caches_hashed_files(example_build):
    output, _, _ = example_build
    text = (output / ".htaccess").read_text("utf-8")
    for name, value in PROTECTION:
        assert f'Header always set {name} "{value}"' in text
        assert f"Header onsuccess unset {name}" in text
    files = re.search(r'<FilesMatch "([^"]+)">', text).group(1)
    assert re.search(files, "media/water/pier-at-dusk-2048.65144ce212.webp")
    assert re.search(files, "theme/style.4e902e17c7.css")
    assert not re.search(files, "index.html") and not re.search(files, "favicon.svg")
    assert "AddType image/avif .avif" in text and "ErrorDocument 404 /404.html" in text


def nginx_locations(text: str) -> dict[str, list[str]]:
    """location -> its add_header lines (the snippet has no nested blocks)."""
    blocks: dict[str, list[str]] = {}
    for match in re.finditer(r"^location ([^{]+)\{(.*?)^\}", text, re.S | re.M):
        blocks[match.group(1).strip()] = re.findall(r"add_header (\S+) \"([^\"]*)\" always;", match.group(2))
    return blocks


def test_nginx_snippet_repeats_every_header_in_every_location(example_copy, example_build):
    folder = example_copy / "server-config"
    site = (folder / hostfiles.NGINX_SITE).read_text("utf-8")
    locations = nginx_locations(site)
    # ^~ so no regex location of the user's can take images; the rest are the paths refused agents may read.
    open_paths = {"= /robots.txt", "= /ai.txt", "= /.well-known/tdmrep.json", "= /tdm-policy.json", "= /license.xml"}
    assert set(locations) == {"/", "^~ /media/", "= /licensing", "^~ /licensing/", "@sitegen_refused", *open_paths}
    for where, headers in locations.items():
        # nginx ignores server-level add_header in a location with its own: each must carry all of them.
        assert headers[:4] == PROTECTION, where
    assert locations["^~ /media/"][4:] == [("Cache-Control", IMMUTABLE)]
    outside = re.sub(r"^location [^{]+\{.*?^\}", "", site, flags=re.S | re.M)
    assert "add_header" not in re.sub(r"#.*", "", outside), "no server-level add_header to be silently dropped"
    only = (folder / hostfiles.NGINX_HEADERS).read_text("utf-8")
    assert re.findall(r"^add_header (\S+) \"([^\"]*)\" always;$", only, re.M) == PROTECTION


def test_caddy_snippet_sets_headers_at_top_level(example_copy, example_build):
    text = (example_copy / "server-config" / hostfiles.CADDY).read_text("utf-8")
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert body[0] == "header {" and body[5] == "}"
    assert [tuple(line.strip().split(" ", 1)) for line in body[1:5]] == [(n, f'"{v}"') for n, v in PROTECTION]
    assert body[6] == f'header /media/* Cache-Control "{IMMUTABLE}"'
    assert not any(line.startswith(("handle", "route")) for line in body)


def test_snippets_are_beside_the_output_not_in_it(example_copy, example_build):
    output, _, _ = example_build
    assert not list(output.rglob("*.conf")) and not list(output.rglob("*.caddy"))
    assert (example_copy / "server-config" / hostfiles.NGINX_SITE).is_file()


def test_snippets_never_overwrite_a_file_sitegen_did_not_write(tmp_path):
    config, urls = Config(), Urls(ORIGIN + "/")
    folder = tmp_path / hostfiles.SERVER_CONFIG_DIR
    folder.mkdir()
    mine = folder / hostfiles.NGINX_SITE
    mine.write_text("# my own hand-tuned nginx config\n", "utf-8")
    reporter = Reporter()
    written = hostfiles.write_server_snippets(config, urls, tmp_path / "public", reporter)
    assert mine.read_text("utf-8") == "# my own hand-tuned nginx config\n"
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        f"{hostfiles.SERVER_CONFIG_DIR}/{hostfiles.NGINX_HEADERS}",
        f"{hostfiles.SERVER_CONFIG_DIR}/{hostfiles.NGINX_MAP}",
        f"{hostfiles.SERVER_CONFIG_DIR}/{hostfiles.CADDY}",
        "functions/_middleware.js",
        "netlify/edge-functions/sitegen-refuse.js",
    }
    (warning,) = reporter.warnings
    assert "not overwritten" in warning.message and str(mine) in warning.message
    # Files sitegen wrote are updated in place, and rewritten only when they change.
    assert hostfiles.write_server_snippets(config, urls, tmp_path / "public", Reporter()) == []
    changed = parse_config('[site]\nbase_url = "https://example.net/"')
    rewritten = hostfiles.write_server_snippets(changed, Urls("https://example.net/"), tmp_path / "public", Reporter())
    assert hostfiles.CADDY in {p.name for p in rewritten}
    assert "https://example.net/tdm-policy.json" in (folder / hostfiles.CADDY).read_text("utf-8")


def test_response_headers_follow_the_config():
    urls = Urls(ORIGIN + "/")
    assert response_headers(urls, "water/") == PROTECTION
    assert response_headers(urls, "media/a-800.0123456789.webp") == [
        *PROTECTION,
        ("Cache-Control", IMMUTABLE),
        RSL_LINK,
    ]
    assert response_headers(urls) == PROTECTION  # the preview server's default call still works
    off = parse_config('[protect]\npolicy = "off"')
    assert response_headers(urls, "water/", off) == []
    assert [r.pattern for r in header_rules(urls, off)] == ["/media/*"]
    no_tdm = parse_config("[protect]\ntdmrep = false")
    assert [n for n, _ in response_headers(urls, "", no_tdm)] == ["X-Robots-Tag", "Content-Usage"]
    sub = Urls("https://example.org/portfolio/")
    assert response_headers(sub, "media/x.jpg")[-2] == ("Cache-Control", IMMUTABLE)
    assert [r.pattern for r in header_rules(sub)] == ["/*", "/portfolio/media/*"]


def test_switches_leave_each_file_out(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write(
        "sitegen.toml",
        '[site]\nbase_url = "https://example.com/"\n'
        "[protect]\nai_txt = false\ntdmrep = false\nheader_files = false\nnojekyll = false\nrobots_txt = false\n",
    )
    write("static/robots.txt", "User-agent: *\nDisallow: /private/\n")
    _, reporter = run_build()
    out = site_dir / "public"
    for name in ("ai.txt", ".well-known/tdmrep.json", "tdm-policy.json", "_headers", ".htaccess", ".nojekyll"):
        assert not (out / name).exists(), name
    assert not (site_dir / "server-config").exists()
    assert (out / "robots.txt").read_text("utf-8") == "User-agent: *\nDisallow: /private/\n"  # the photographer's own
    assert [w for w in reporter.warnings if "alt text" not in w.message] == []
    page = (out / "g/a/index.html").read_text("utf-8")
    assert 'content="noai, noimageai"' in page and "tdm-reservation" not in page


def test_off_policy_sends_no_ai_signal_but_keeps_licensing(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("sitegen.toml", '[site]\nbase_url = "https://example.com/"\n[protect]\npolicy = "off"\n')
    run_build()
    out = site_dir / "public"
    assert not (out / "ai.txt").exists() and not (out / ".well-known").exists()
    robots = (out / "robots.txt").read_text("utf-8")
    assert "Disallow" not in robots and "Content-Usage" not in robots
    assert "X-Robots-Tag" not in (out / "_headers").read_text("utf-8")
    page = (out / "g/a/index.html").read_text("utf-8")
    assert "noai" not in page and "tdm-" not in page and "noarchive" not in page
    assert 'rel="license"' in page and "License this photo" in page
    licensing = (out / "licensing/index.html").read_text("utf-8")
    assert "Article 4(3)" not in licensing and "How to license a photo" in licensing


def test_static_files_cannot_replace_generated_ones(site_dir, write, run_build):
    make_photo(site_dir / "content/g/a.jpg")
    write("static/ai.txt", "User-Agent: *\nAllow: /\n")
    _, reporter = run_build()
    assert "Disallow: /" in (site_dir / "public/ai.txt").read_text("utf-8")
    assert any("sitegen generates /ai.txt itself" in p.message for p in reporter.warnings)


def test_embedded_rights_follow_the_image_pipelines_switch():
    from types import SimpleNamespace

    from sitegen.protect.policy import embeds_rights

    assert embeds_rights(Config()) is True  # the pipeline's default, also where [metadata] does not exist
    assert embeds_rights(SimpleNamespace(metadata=SimpleNamespace(embed_rights=False))) is False
