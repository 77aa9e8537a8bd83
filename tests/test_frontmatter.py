from pathlib import Path

import pytest

from sitegen.content import frontmatter as fm


def test_parse_splits_meta_and_body():
    doc = fm.parse("---\ntitle: Hi\ndate: 2024-05-17\n---\nBody\n")
    assert doc.meta["title"] == "Hi"
    assert doc.body == "Body\n"
    assert doc.body_line == 5


def test_no_front_matter_is_all_body():
    doc = fm.parse("Just text")
    assert doc.meta == {} and doc.body == "Just text"


def test_unclosed_front_matter():
    with pytest.raises(fm.FrontMatterError, match="never closed") as info:
        fm.parse("---\ntitle: x\n")
    assert info.value.line == 1


def test_yaml_error_has_file_line():
    with pytest.raises(fm.FrontMatterError) as info:
        fm.parse("---\ntitle: ok\nbad: [unclosed\nother: 1\n---\n")
    assert info.value.line is not None and info.value.line >= 3
    assert "not valid YAML" in info.value.message


def test_front_matter_must_be_a_mapping():
    with pytest.raises(fm.FrontMatterError, match="key: value"):
        fm.parse("---\n- a\n- b\n---\n")


def test_non_utf8_reports_line(tmp_path: Path):
    path = tmp_path / "x.md"
    path.write_bytes(b"---\ntitle: ok\n---\nline four caf\xe9\n")
    with pytest.raises(fm.FrontMatterError) as info:
        fm.load(path)
    assert info.value.line == 4
    assert "0xe9" in info.value.message and "UTF-8" in info.value.message


def test_bom_and_crlf_are_accepted(tmp_path: Path):
    path = tmp_path / "x.md"
    path.write_bytes("\ufeff---\r\ntitle: Hé\r\n---\r\nBody".encode())
    doc = fm.load(path)
    assert doc.meta == {"title": "Hé"} and doc.body == "Body"
