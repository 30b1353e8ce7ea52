"""The template command: an empty input workbook with Chinese headers."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import Refusal
from ..i18n import N_
from .common import Lang, _guard, app


@app.command()
@_guard
def template(
    file: Path = typer.Argument(..., help="The .xlsx workbook to write (replaced if it exists)."),
    lang: Optional[str] = Lang,
) -> None:
    """Write an empty input workbook to fill in Excel/WPS: Chinese headers, drop-downs, an instructions sheet."""
    from ..i18n import pick, resolve_lang
    from ..io.template import template_workbook
    from ..io.write import write_file

    if file.suffix.lower() != ".xlsx":
        raise Refusal(N_("{file} should end in .xlsx"), file=file)
    lang = resolve_lang(lang)
    write_file(file, template_workbook(lang))
    typer.echo(pick(N_("template written to {f}: fill it in, then run  zoneplan staff {f} --out PLAN"), lang, f=file))
