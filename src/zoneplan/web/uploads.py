"""Uploads, bounded before anything reads them.

An upload is a workbook (``.xlsx``/``.xlsm``/``.xls``) or a ``.zip`` of a folder's files
(CSVs, workbooks, ``boundaries.geojson``).  Before the loader sees it:

* the request body is capped (:class:`Limits.max_bytes`, counted while it arrives);
* a zip (an ``.xlsx`` is one too) may hold at most :attr:`Limits.max_entries` entries and
  :attr:`Limits.max_unpacked` bytes unpacked, and no entry may unpack to more than
  :attr:`Limits.max_ratio` times its packed size once past 1 MB (zip bombs);
* every sheet of a workbook and every CSV is counted line by line while it is unpacked,
  and refused above :attr:`Limits.max_rows` lines (a 1,000,000-row sheet is refused
  before openpyxl would spend minutes and gigabytes on it);
* the file names inside a zip are reduced to a safe base name (letters, digits, CJK,
  ``_-.()`` and spaces) and written into a fresh folder the desk made; the client's path
  is never used to open anything.

Refusals raise :class:`UploadRefused` with a Chinese message; nothing is kept.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["Limits", "UploadRefused", "safe_name", "store_upload", "WORKBOOK_EXT", "ZIP_ENTRY_EXT"]

WORKBOOK_EXT = (".xlsx", ".xlsm", ".xls")
ZIP_ENTRY_EXT = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".geojson", ".json")
_SAFE = re.compile(r"^[\w\u3400-\u9fff\uf900-\ufaff（）() .\-]+$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_entries: int = 400
    max_unpacked: int = 200 * 1024 * 1024
    max_ratio: int = 200
    max_rows: int = 200_000


class UploadRefused(ValueError):
    """The upload is refused before it is read (the message is for the planner, in Chinese)."""


def safe_name(name: str, default: str) -> str:
    """A base name safe to create inside a folder of ours, or ``default``."""
    base = unicodedata.normalize("NFKC", PurePosixPath(str(name).replace("\\", "/")).name).strip()
    if not base or base.startswith(".") or len(base) > 120 or not _SAFE.match(base) or ".." in base:
        return default
    return base


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _count_lines(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, what: str, xml: bool) -> int:
    """Unpack one entry without keeping it, counting its rows (``<row`` tags or line ends)."""
    rows, size, tail = 0, 0, b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > info.file_size + 1024 or size > limits.max_unpacked:
                raise UploadRefused(f"{what} 解压后超过声明的大小，文件可能已损坏或被篡改，已拒绝。")
            data = tail + chunk
            if xml:
                rows += data.count(b"<row ") + data.count(b"<row>") + data.count(b":row ") + data.count(b":row>")
                tail = data[-4:]  # shorter than any pattern: none is counted twice
            else:
                rows += chunk.count(b"\n")
            if rows > limits.max_rows:
                raise UploadRefused(f"{what} 超过 {limits.max_rows:,} 行，已拒绝。请只上传本县（市、区）的数据，"
                                    f"或拆分后分别处理。")
    return rows


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from the workbook's own index (best effort)."""
    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
        if b"<!DOCTYPE" in wb or b"<!DOCTYPE" in rels:
            raise UploadRefused("工作簿中含有不允许的 XML 声明（DOCTYPE），已拒绝。")
        ns_r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        target = {}
        for rel in ET.fromstring(rels):
            t = rel.get("Target", "")
            target[rel.get("Id")] = "xl/" + t.lstrip("/").removeprefix("xl/")
        out = {}
        for el in ET.fromstring(wb).iter():
            if el.tag.endswith("}sheet") and el.get(ns_r) in target:
                out[target[el.get(ns_r)]] = el.get("name", "")
        return out
    except (KeyError, ET.ParseError):
        return {}


def _check_zip(data: bytes, limits: Limits, label: str, workbook: bool) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(f"{label} 不是有效的{'Excel 工作簿（.xlsx）' if workbook else ' zip 压缩包'}，"
                            "无法打开。请在 Excel/WPS 中另存为 .xlsx 后重新上传。" if workbook else
                            f"{label} 不是有效的 zip 压缩包，无法打开。") from None
    if len(infos) > limits.max_entries:
        raise UploadRefused(f"{label} 含有 {len(infos)} 个文件，超过上限 {limits.max_entries} 个，已拒绝。")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise UploadRefused(f"{label} 解压后共 {_mb(total)}，超过上限 {_mb(limits.max_unpacked)}，已拒绝。")
    for i in infos:
        if i.flag_bits & 0x1:
            raise UploadRefused(f"{label} 已加密（设置了密码），无法读取。请去掉密码后重新上传。")
        if i.file_size > (1 << 20) and i.file_size > limits.max_ratio * max(1, i.compress_size):
            raise UploadRefused(f"{label} 中的 {i.filename} 压缩比异常（{i.file_size // max(1, i.compress_size)} 倍），"
                                "疑似压缩炸弹，已拒绝。")
    return zf


def check_workbook(data: bytes, limits: Limits, label: str) -> None:
    """Refuse an ``.xlsx`` that is no zip, a zip bomb, or has a sheet above the row limit."""
    zf = _check_zip(data, limits, label, workbook=True)
    names = {i.filename for i in zf.infolist()}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRefused(f"{label} 不是 Excel 工作簿（缺少工作簿结构）。请在 Excel/WPS 中另存为 .xlsx 后重新上传。")
    sheets = _sheet_names(zf)
    for info in zf.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            what = f"{label} 的工作表「{sheets.get(info.filename, info.filename.rsplit('/', 1)[-1])}」"
            _count_lines(zf, info, limits, what, xml=True)


def _xls_ok(data: bytes, label: str) -> None:
    if not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRefused(f"{label} 不是有效的 Excel 97-2003 工作簿（.xls）。")


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as the planner's computer wrote it (zips from Chinese Windows use GBK)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
            for enc in ("utf-8", "gb18030"):
                try:
                    return raw.decode(enc)
                except UnicodeDecodeError:
                    continue
        except UnicodeEncodeError:
            pass
    return name


def store_upload(data: bytes, original_name: str, folder: Path, limits: Limits) -> Path:
    """Check the upload and write it into ``folder`` (which must be new and empty).

    Returns what the loader should read: the workbook file, or ``folder`` for a zip.

    Raises
    ------
    UploadRefused
        Too big, wrong type, a zip bomb, too many rows, unsafe or duplicate names.
    """
    label = f"「{safe_name(original_name, '上传的文件')}」"
    if len(data) > limits.max_bytes:
        raise UploadRefused(f"{label} 大小 {_mb(len(data))}，超过上限 {_mb(limits.max_bytes)}，已拒绝。")
    if not data:
        raise UploadRefused(f"{label} 是空文件。")
    ext = PurePosixPath(original_name.lower()).suffix
    if ext in (".et", ".ods", ".numbers"):
        raise UploadRefused(f"{label} 是 {ext} 格式，请在 WPS/Excel 中“另存为” .xlsx 后重新上传。")
    if ext in (".xlsx", ".xlsm"):
        check_workbook(data, limits, label)
        target = folder / safe_name(original_name, f"workbook{ext}")
        if PurePosixPath(target.name).suffix.lower() != ext:
            target = folder / f"workbook{ext}"
        target.write_bytes(data)
        return target
    if ext == ".xls":
        _xls_ok(data, label)
        target = folder / safe_name(original_name, "workbook.xls")
        if not target.name.lower().endswith(".xls"):
            target = folder / "workbook.xls"
        target.write_bytes(data)
        return target
    if ext != ".zip":
        raise UploadRefused(f"{label} 的类型不受支持。请上传填好的 Excel 工作簿（.xlsx/.xls），"
                            "或把存放 CSV 文件的文件夹压缩成 .zip 后上传。")
    zf = _check_zip(data, limits, label, workbook=False)
    entries = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        name = _entry_name(info)
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue  # macOS resource forks, hidden files
        base = parts[-1] if parts else ""
        if PurePosixPath(base.lower()).suffix not in ZIP_ENTRY_EXT:
            continue
        safe = safe_name(base, "")
        if not safe:
            raise UploadRefused(f"{label} 中的文件名「{base[:60]}」含有不允许的字符，请改名后重新压缩上传。")
        entries.append((info, safe))
    if not entries:
        raise UploadRefused(f"{label} 中没有 CSV 或 Excel 文件。")
    seen: set[str] = set()
    for info, safe in entries:
        if safe.lower() in seen:
            raise UploadRefused(f"{label} 中有两个同名文件「{safe}」（在不同文件夹中），请只保留一个。")
        seen.add(safe.lower())
    for info, safe in entries:
        what = f"{label} 中的「{safe}」"
        suffix = PurePosixPath(safe.lower()).suffix
        if suffix in (".csv", ".txt", ".tsv"):
            _count_lines(zf, info, limits, what, xml=False)
        raw = zf.read(info)
        if suffix in (".xlsx", ".xlsm"):
            check_workbook(raw, limits, what)
        elif suffix == ".xls":
            _xls_ok(raw, what)
        (folder / safe).write_bytes(raw)
    return folder
