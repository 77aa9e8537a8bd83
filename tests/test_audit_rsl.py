"""``sitegen audit`` checks the RSL licence file: there, readable as RSL 1.0, named by robots.txt, served as RSL."""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.audit import Status
from sitegen.audit.hostrules import HostFiles
from sitegen.commands.audit import audit

from .headers_server import serve

RSL = "application/rsl+xml"


def _without_license_rule(headers: str) -> str:
    return re.sub(r"(?m)^# The RSL licence file.*\n/license\.xml\n  Content-Type: .*\n", "", headers)


def test_the_build_passes_and_a_copy_without_license_xml_fails(example_build, output_copy: Path) -> None:
    check = audit(str(example_build[0])).get("licence-file")
    assert check.status is Status.PASS, check.detail
    (output_copy / "license.xml").unlink()
    check = audit(str(output_copy)).get("licence-file")
    assert check.status is Status.FAIL and check.detail == "no /license.xml (HTTP 404)"
    assert "[licensing] rsl = true" in check.fix


def test_a_licence_file_that_is_not_rsl_fails(output_copy: Path) -> None:
    (output_copy / "license.xml").write_text('<?xml version="1.0"?><license>all rights reserved</license>', "utf-8")
    check = audit(str(output_copy)).get("licence-file")
    assert check.status is Status.FAIL and "not <rsl>" in check.detail


def test_robots_txt_without_the_license_line_warns(output_copy: Path) -> None:
    robots = output_copy / "robots.txt"
    robots.write_text(re.sub(r"(?m)^License:.*\n", "", robots.read_text("utf-8")), "utf-8")
    check = audit(str(output_copy)).get("licence-file")
    assert check.status is Status.WARN and "no License: line" in check.detail


def test_the_folder_host_files_type_license_xml(example_build) -> None:
    """The generated _headers types license.xml for Netlify and Cloudflare, as the audit's reader of it sees."""
    public = example_build[0]
    files = HostFiles((public / "_headers").read_text("utf-8"), None)
    for host, headers in files.views("/license.xml").items():
        assert dict((k.lower(), v) for k, v in headers)["content-type"] == RSL, host
        assert ("X-Robots-Tag", "noai, noimageai") in headers, host  # the /* rule still applies
    assert all("content-type" not in {k.lower() for k, _ in h} for h in files.views("/sitemap.xml").values())


def test_url_audit_checks_the_served_type(output_copy: Path) -> None:
    with serve(output_copy) as url:
        check = audit(url).get("licence-file")
    assert check.status is Status.PASS and f"served as {RSL}" in check.detail, check.detail
    headers = output_copy / "_headers"
    headers.write_text(_without_license_rule(headers.read_text("utf-8")), "utf-8")
    assert "\n/license.xml\n" not in headers.read_text("utf-8")
    with serve(output_copy) as url:
        check = audit(url).get("licence-file")
    # Python's server types .xml as application/xml: still XML, but not recognisable as RSL by its type.
    assert check.status is Status.WARN, check.detail
    assert check.detail == f"/license.xml is served as application/xml, not {RSL}"
    assert check.fix.startswith("Serve license.xml as application/rsl+xml")
