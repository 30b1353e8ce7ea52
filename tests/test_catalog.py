"""The message catalog: every word of the code has its Chinese text, the shipped ``.mo`` is the
``.po`` compiled, and the language follows ``--lang``, then ``ZONEPLAN_LANG``, then the input.

Babel (a test dependency) extracts the messages exactly as ``pybabel extract`` does with the
configuration in ``pyproject.toml`` and ``babel.cfg``.
"""

from __future__ import annotations

import gettext
import tomllib

import openpyxl
import pytest

from zoneplan.i18n import NC_, N_, catalog, input_lang, lang_for, tr, trn

from conftest import EXAMPLES, ROOT

babel = pytest.importorskip("babel")

PO = ROOT / "src" / "zoneplan" / "locale" / "zh" / "LC_MESSAGES" / "zoneplan.po"
MO = PO.with_suffix(".mo")


def _extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message the code and the templates mark, as pybabel extracts them."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_keywords, parse_mapping_cfg

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["babel"]["extract_messages"]
    keywords = {**parse_keywords(conf["keywords"].split())}
    with open(ROOT / conf["mapping_file"], encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    out = set()
    for _file, _line, msg, _comments, context in extract_from_dir(ROOT / conf["input_paths"], method_map, options_map,
                                                                    keywords=keywords):
        out.add((context, msg if isinstance(msg, str) else msg[0]))
    return out


def _po():
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        return read_po(fh)


def test_every_message_of_the_code_has_its_chinese_text():
    po = _po()
    translated = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in po
                  if m.id and m.string and not m.fuzzy and (m.string if isinstance(m.string, str) else all(m.string))}
    missing = sorted(_extracted() - translated, key=str)
    assert not missing, f"{len(missing)} messages without Chinese text (pybabel extract; update; fill the .po): " \
                        f"{missing[:20]}"
    assert len(translated) > 500


def test_the_shipped_mo_is_the_po_compiled():
    po = _po()
    with open(MO, "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for m in po:
        if not m.id or isinstance(m.id, tuple):
            continue
        got = mo.pgettext(m.context, m.id) if m.context else mo.gettext(m.id)
        if got != m.string:
            stale.append(m.id)
    assert not stale, f"zoneplan.mo is older than zoneplan.po (pybabel compile): {stale[:10]}"


def test_placeholders_agree_between_english_and_chinese():
    """A translation uses only the {fields} of its message id (else formatting would fail); it may leave
    out a field that only English needs (the plural ``{s}``)."""
    import string

    def fields(s: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(s) if f}

    bad = [(m.id, m.string) for m in _po() if m.id and isinstance(m.id, str) and "python-brace-format" in m.flags
           and not fields(m.string) <= fields(m.id)]
    assert not bad, bad[:10]


def test_messages_translate_with_context_and_plural():
    assert tr(N_("Staffing plan"), "zh") == "协作区办案组配置方案"
    assert tr(N_("Staffing plan"), "en") == "Staffing plan"
    # the same English word, two Chinese words by where it stands
    assert tr(NC_("objective level", "Level"), "zh") != tr(NC_("io.report", "Level"), "zh")
    assert trn("{n} case", "{n} cases", 1, "en") == "1 case" and trn("{n} case", "{n} cases", 2, "en") == "2 cases"
    assert catalog("en").gettext("anything") == "anything"


def test_language_follows_flag_then_environment_then_a_chinese_input(tmp_path, monkeypatch):
    monkeypatch.delenv("ZONEPLAN_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    book = tmp_path / "青山县.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "乡镇"
    wb.save(book)
    csvs = tmp_path / "csv"
    csvs.mkdir()
    (csvs / "townships.csv").write_text("乡镇编号,乡镇名称\nT1,城关镇\n", encoding="utf-8")
    assert input_lang(book) == "zh" and input_lang(csvs) == "zh"
    assert input_lang(EXAMPLES / "county") is None  # English headers: the machine decides
    assert lang_for(None, book) == "zh" and lang_for(None, EXAMPLES / "county") == "en"
    assert lang_for("en", book) == "en"  # --lang wins
    monkeypatch.setenv("ZONEPLAN_LANG", "en")
    assert lang_for(None, book) == "en"  # so does ZONEPLAN_LANG
    with pytest.raises(ValueError):
        lang_for("fr", book)


def test_a_chinese_workbook_gets_chinese_messages_without_a_flag(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from zoneplan.cli import app

    monkeypatch.delenv("ZONEPLAN_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    book = tmp_path / "青山县.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "乡镇"
    wb.active.append(["乡镇编号", "乡镇名称"])
    wb.active.append(["T1", "城关镇"])
    wb.save(book)
    res = CliRunner().invoke(app, ["validate", str(book)])
    assert res.exit_code == 2
    assert "错误" in res.output and "error:" not in res.output, res.output
    res = CliRunner().invoke(app, ["validate", str(book), "--lang", "en"])
    assert "error:" in res.output and "错误" not in res.output, res.output
