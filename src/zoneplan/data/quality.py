"""The data-quality report: for each rule, whom it cannot protect and why; how the input was read.

Items of kind ``gap`` say where a rule has no data to work with (people without a home
township, subjects absent from the relations graph, columns that were ignored, levels that
were defaulted ...).  Items of kind ``note`` say how the input was read (a title row skipped,
merged cells filled down, names resolved to ids).  ``--strict`` turns every gap into an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_, NC_

__all__ = ["QualityItem", "QualityReport"]

_MAX_WHO = 20
# the frame of an item's line: messages of the catalog (zoneplan.i18n)
_SEP = NC_("list", ", ")
_MORE = N_("{shown} ... ({n} in all)")
_WHO = N_("{what}: {who}")
_WHERE = N_("{where}: {text}")


@dataclass(frozen=True)
class QualityItem:
    """One finding: the rule concerned, gap or note, the table, what (en/zh), and who (ids)."""

    rule: str  # "home", "kin", "declared", "level", "skills", "columns", "read"
    kind: str  # "gap" or "note"
    table: str  # display name of the file or sheet ("" for the whole input)
    what: str
    what_zh: str
    who: tuple[str, ...] = ()
    line: int | None = None
    column: str | None = None

    def render(self, lang: str = "en") -> str:
        """One line in ``lang``: where, what, and whom (the frame from the message catalog)."""
        from ..i18n import tr

        text = self.what_zh if lang == "zh" and self.what_zh else self.what
        if self.who:
            shown = tr(_SEP, lang).join(self.who[:_MAX_WHO])
            if len(self.who) > _MAX_WHO:
                shown = tr(_MORE, lang, shown=shown, n=len(self.who))
            text = tr(_WHO, lang, what=text, who=shown)
        return tr(_WHERE, lang, where=self.table, text=text) if self.table else text

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "kind": self.kind, "table": self.table, "what": self.what,
                "what_zh": self.what_zh, "who": list(self.who), "count": len(self.who)}


#: Rank of the rules in the report: the conflict rules first, then what makes cases unstaffable.
RULE_RANK = ("home", "kin", "declared", "cross-check", "level", "skills", "columns", "read")


@dataclass(frozen=True)
class QualityReport:
    """Everything the loader found that a planner should know, ranked: gaps that leave someone
    unprotected first (conflict rules before the others), then notes on how the input was read."""

    items: tuple[QualityItem, ...] = field(default_factory=tuple)

    @classmethod
    def ranked(cls, items) -> "QualityReport":
        """A report with ``items`` in rank order (gaps, by rule; then notes; stable within)."""
        def rank(i: QualityItem) -> tuple[int, int]:
            r = RULE_RANK.index(i.rule) if i.rule in RULE_RANK else len(RULE_RANK)
            return (i.kind != "gap", r)

        return cls(tuple(sorted(items, key=rank)))

    @property
    def gaps(self) -> tuple[QualityItem, ...]:
        return tuple(i for i in self.items if i.kind == "gap")

    @property
    def notes(self) -> tuple[QualityItem, ...]:
        return tuple(i for i in self.items if i.kind == "note")

    def render(self, lang: str = "en") -> list[str]:
        return [i.render(lang) for i in self.items]

    def to_dict(self) -> dict[str, Any]:
        return {"gaps": [i.to_dict() for i in self.gaps], "notes": [i.to_dict() for i in self.notes]}
