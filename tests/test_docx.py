"""Word documents: corpus samples against their gold, real spans, and cells
inside content controls (which python-docx's own cell API drops)."""
import copy
import json
import zipfile

import pytest
from conftest import GOLD, compare, convert, corpus_samples, gold_of, read_tables
from jixiao.extract import docx as docx_extract
from lxml import etree

from jixiao.cli import main

DOCX = corpus_samples("docx")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def converted_docx(tmp_path_factory):
    return convert(DOCX, tmp_path_factory.mktemp("docx"))


@pytest.mark.parametrize("path", DOCX, ids=lambda p: p.stem)
def test_docx_matches_gold(path, converted_docx):
    n, bad = compare(gold_of("corpus", path), converted_docx)
    assert not bad, "\n".join(bad[:30])
    src = next(s for s in converted_docx["sources"] if s["path"] == str(path))
    assert src["extractor"] == "python-docx" and src["format"] == "docx"


def test_merged_cells_are_real_spans():
    doc = docx_extract.read(next(p for p in DOCX if p.name.startswith("beijing_n1")))
    table = next(g for g in doc.grids if g.kind == "table")
    spans = [(c.row_span, c.col_span) for c in table.cells]
    assert any(rs > 1 for rs, _ in spans), "vertical merges (vMerge) lost"
    assert any(cs > 1 for _, cs in spans), "horizontal merges (gridSpan) lost"
    texts = [c.text for c in table.cells]
    # a merged cell is one cell, not one per covered grid position
    assert len(texts) < table.n_rows * table.n_cols


def wrap_cells_in_content_controls(src, dst):
    """Copy a DOCX with every table cell wrapped in <w:sdt><w:sdtContent>."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                for tc in list(root.iter(f"{{{W}}}tc")):
                    sdt = etree.Element(f"{{{W}}}sdt")
                    content = etree.SubElement(sdt, f"{{{W}}}sdtContent")
                    tc.addprevious(sdt)
                    content.append(copy.deepcopy(tc))
                    tc.getparent().remove(tc)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)


def test_cells_inside_content_controls(tmp_path):
    src = next(p for p in DOCX if p.name.startswith("guangdong_n1"))
    wrapped = tmp_path / src.name
    wrap_cells_in_content_controls(src, wrapped)
    with zipfile.ZipFile(wrapped) as z:
        assert b"<w:sdtContent><w:tc" in z.read("word/document.xml")
    import docx  # python-docx itself loses these cells: the reason for reading the XML
    assert all(len(r.cells) == 0 for r in docx.Document(str(wrapped)).tables[0].rows)
    assert main(["convert", str(wrapped), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    gold = json.loads((GOLD / "corpus" / f"{src.name}.gold.json").read_text(encoding="utf-8"))
    n, bad = compare(gold, read_tables(tmp_path / "out"))
    assert not bad, "\n".join(bad[:30])


def test_empty_docx_fails_cleanly(tmp_path):
    import docx
    p = tmp_path / "empty.docx"
    docx.Document().save(str(p))
    assert main(["convert", str(p), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    src = read_tables(tmp_path / "out")["sources"][0]
    assert src["status"] == "failed" and "no form" in src["error"]


def test_the_main_part_is_found_where_the_package_says(tmp_path):
    """The body is read from the part the package's officeDocument
    relationship names, whatever its name (word/main.xml here, as some
    generators write it), and the same forms come out; a package without
    that relationship is read by docx.Document(), whose message says why."""
    src = DOCX[0]
    moved = tmp_path / "moved.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"word/document.xml", b"word/main.xml")
            elif item.filename == "word/_rels/document.xml.rels":
                item.filename = "word/_rels/main.xml.rels"
            zout.writestr("word/main.xml" if item.filename == "word/document.xml" else item.filename, data)
    assert docx_extract.body_of(moved).xpath("count(.//w:tbl)") == docx_extract.body_of(src).xpath("count(.//w:tbl)") > 0
    a, b = (docx_extract.read(p).grids for p in (src, moved))
    assert [g.cells for g in a] == [g.cells for g in b]
    broken = tmp_path / "no_rels.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            if item.filename != "_rels/.rels":
                zout.writestr(item, zin.read(item))
    with pytest.raises(KeyError, match="no relationship of type .*officeDocument"):  # python-docx's words
        docx_extract.read(broken)
