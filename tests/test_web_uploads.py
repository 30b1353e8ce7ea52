"""Uploads as planners make them: a zipped folder of CSVs (names typed on a Chinese Windows,
stored in GBK), a workbook; and what is refused, in unit form (:mod:`zoneplan.web.uploads`)."""

from __future__ import annotations

import io
import zipfile

import pytest

import zoneplan
from zoneplan.web.uploads import Limits, UploadRefused, safe_name, store_upload

from webdesk import COUNTY


class _GbkInfo(zipfile.ZipInfo):
    """An entry whose name is stored in GBK without the UTF-8 flag."""

    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's hook
        return self.filename.encode("gbk"), self.flag_bits


def _gbk_zip(files: dict[str, bytes]) -> bytes:
    """A zip as Windows' 'send to compressed folder' writes Chinese names: GBK bytes, no UTF-8 flag."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            info = _GbkInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def test_a_zipped_folder_with_chinese_file_names_loads(tmp_path):
    chinese = {"townships": "乡镇", "investigators": "干部花名册", "cases": "问题线索", "relations": "关系",
               "conflicts": "回避", "adjacency": "相邻乡镇"}
    files = {f"恒平县数据/{chinese[p.stem]}.csv": p.read_bytes() for p in COUNTY.glob("*.csv") if p.stem in chinese}
    files["__MACOSX/._乡镇.csv"] = b"junk"
    target = store_upload(_gbk_zip(files), "恒平县数据.zip", tmp_path, Limits())
    assert target == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{v}.csv" for v in chinese.values())
    tables = zoneplan.load(target)
    assert len(tables.cases) == 20 and len(tables.investigators) == 61


def test_unsafe_names_never_leave_the_folder(tmp_path):
    assert safe_name("../../etc/passwd", "x") == "passwd"
    assert safe_name("..", "x") == "x" and safe_name(".bashrc", "x") == "x"
    assert safe_name("C:\\Users\\王\\乡镇.csv", "x") == "乡镇.csv"
    assert safe_name("a<b>.csv", "x") == "x"
    data = _gbk_zip({"../../outside.csv": b"a,b\n1,2\n", "sub/inside.csv": b"a,b\n"})
    (tmp_path / "in").mkdir()
    store_upload(data, "x.zip", tmp_path / "in", Limits())
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["inside.csv"]  # "../" entries are skipped
    assert not (tmp_path / "outside.csv").exists()


def test_two_files_of_one_name_are_refused(tmp_path):
    data = _gbk_zip({"a/乡镇.csv": b"x\n", "b/乡镇.csv": b"y\n"})
    with pytest.raises(UploadRefused, match="同名"):
        store_upload(data, "x.zip", tmp_path, Limits())


def test_rows_are_counted_while_unpacking(tmp_path):
    data = _gbk_zip({"乡镇.csv": b"township_id\n" + b"T\n" * 1001})
    with pytest.raises(UploadRefused, match="超过 1,000 行"):
        store_upload(data, "x.zip", tmp_path, Limits(max_rows=1000))
