"""Attachment bundles: a ZIP with GBK member names (as Chinese tools write
them, without the UTF-8 flag) reads member by member as the originals; a
`../` name is a label only, an encrypted member and a zip-bomb member each
fail with their reason, and the rest of the run goes on."""
from __future__ import annotations

import zipfile

from conftest import SAMPLES, compare, gold_of, read_tables

from jixiao.cli import main


class GbkInfo(zipfile.ZipInfo):
    """A member whose name is stored in GBK with no UTF-8 flag, deflated."""

    encrypted = False

    def __init__(self, name: str):
        super().__init__(name)
        self.compress_type = zipfile.ZIP_DEFLATED

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own name; writestr takes the flags from it)
        return self.filename.encode("gbk"), (self.flag_bits & ~0x800) | (0x1 if self.encrypted else 0)


def make_bundle(path, encrypted_too: bool = True) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(GbkInfo("2020年/项目支出绩效自评表.docx"), (SAMPLES / "beijing_n1_s101_000.docx").read_bytes())
        z.writestr(GbkInfo("../../逃逸/自评.txt"), (SAMPLES / "real" / "13_yunnan_yongde_2022_yingyang.txt").read_bytes())
        z.writestr(GbkInfo("说明/大文件.txt"), b"0" * (20 << 20))  # 20 MB of zeros: ~1000:1
        if encrypted_too:
            info = GbkInfo("加密/表.txt")
            info.encrypted = True  # marked encrypted: no password can be given
            z.writestr(info, b"xx")


def test_zip_bundle_member_by_member(tmp_path):
    bundle = tmp_path / "2020年附件.zip"
    make_bundle(bundle)
    out = tmp_path / "out"
    assert main(["convert", str(bundle), "--out", str(out), "--quiet", "--workers", "1"]) == 1
    tables = read_tables(out)
    rows = {s["path"]: s for s in tables["sources"]}
    docx = f"{bundle}/2020年/项目支出绩效自评表.docx"
    assert set(rows) == {docx, f"{bundle}/../../逃逸/自评.txt", f"{bundle}/说明/大文件.txt", f"{bundle}/加密/表.txt"}
    assert all(r["container"] == str(bundle) for r in rows.values())
    assert rows[docx]["status"] == "ok" and rows[docx]["format"] == "docx"
    n, bad = compare({**gold_of("corpus", SAMPLES / "beijing_n1_s101_000.docx"), "source": "项目支出绩效自评表.docx"},
                     tables)
    assert n > 300 and not bad, bad[:10]
    assert rows[f"{bundle}/../../逃逸/自评.txt"]["status"] == "ok"
    assert not (tmp_path.parent / "逃逸").exists() and not list(tmp_path.rglob("逃逸"))  # never written anywhere
    assert "zip bomb" in rows[f"{bundle}/说明/大文件.txt"]["error"]
    assert rows[f"{bundle}/加密/表.txt"]["error"].startswith("encrypted member")


def test_7z_bundle_member_by_member(tmp_path):
    """A 7-Zip bundle (read through libarchive, as RAR is) with a Chinese-named
    member and a zip inside it: each member a source, the nested one too."""
    import io

    import libarchive

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("内/自评.txt", (SAMPLES / "real" / "18_hubei_ezhou_2021_shiminzhongxin.txt").read_bytes())
    bundle = tmp_path / "附件.7z"
    with libarchive.file_writer(str(bundle), "7zip") as a:
        for name, data in (("2020/项目支出绩效自评表.docx", (SAMPLES / "beijing_n1_s101_000.docx").read_bytes()),
                           ("嵌套.zip", inner.getvalue())):
            a.add_file_from_memory(name, len(data), data)
    out = tmp_path / "out"
    assert main(["convert", str(bundle), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    rows = {s["path"]: s for s in read_tables(out)["sources"]}
    assert set(rows) == {f"{bundle}/2020/项目支出绩效自评表.docx", f"{bundle}/嵌套.zip/内/自评.txt"}
    assert rows[f"{bundle}/嵌套.zip/内/自评.txt"]["container"] == f"{bundle}/嵌套.zip"
    assert all(r["status"] == "ok" for r in rows.values())
