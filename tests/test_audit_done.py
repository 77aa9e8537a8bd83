"""Issue 12's "Done when", as a user meets it: ``sitegen audit`` on the build, on a copy broken the two ways
the issue names (one agent missing from the .htaccess refusal; license.xml gone), and on a ``sitegen serve`` URL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from sitegen.audit import Status
from sitegen.cli import cli
from sitegen.commands.audit import audit
from sitegen.commands.serve import Preview

from .test_serve import WAIT, free_port


def _row_and_fix(output: str, title: str) -> tuple[str, str]:
    lines = output.splitlines()
    row = next(line for line in lines if title in line)
    return row, lines[lines.index(row) + 1].strip()


def test_one_agent_missing_from_the_htaccess_refusal_fails_with_the_fix(output_copy: Path) -> None:
    htaccess = output_copy / ".htaccess"
    text = htaccess.read_text("utf-8")
    assert text.count("|CCBot|") == 2  # the RewriteCond and the <If> of the 403's text
    htaccess.write_text(text.replace("|CCBot|", "|"), "utf-8")
    result = CliRunner().invoke(cli, ["audit", str(output_copy)])
    assert result.exit_code == 1
    row, fix = _row_and_fix(result.output, "Server refuses AI agents")
    assert row.startswith("FAIL") and "AI agents not refused: CCBot" in row, row
    assert fix.startswith("fix: Upload sitegen's .htaccess and enable mod_rewrite"), fix


def test_license_xml_gone_fails_with_the_fix(output_copy: Path) -> None:
    (output_copy / "license.xml").unlink()
    result = CliRunner().invoke(cli, ["audit", str(output_copy)])
    assert result.exit_code == 1
    row, fix = _row_and_fix(result.output, "RSL licence file (license.xml)")
    assert row.startswith("FAIL") and "no /license.xml (HTTP 404)" in row, row
    assert fix.startswith("fix: Rebuild with [licensing] rsl = true"), fix


def test_the_build_and_a_sitegen_serve_url_pass_the_issue_12_checks(example_build, tmp_path: Path) -> None:
    folder = audit(str(example_build[0]))
    for cid in ("refusal", "licence-file", "obsolete-labels"):
        assert folder.get(cid).status is Status.PASS, folder.get(cid).detail
    site = tmp_path / "site"
    shutil.copytree(example_build[0].parent, site, ignore=shutil.ignore_patterns("public", "server-config"))
    preview = Preview(site, port=free_port(), jobs=1, log=lambda *a: None)
    preview.start()
    try:
        assert preview.wait_built(WAIT)
        port = preview.server.server_address[1]  # type: ignore[union-attr]
        report = audit(f"http://127.0.0.1:{port}/")
    finally:
        preview.stop()
    for cid in ("refusal", "licence-file", "obsolete-labels"):
        assert report.get(cid).status is Status.PASS, (cid, report.get(cid).detail)
    assert "served as application/rsl+xml" in report.get("licence-file").detail
