"""The assistant's reply card: title, rows, optional bar chart, source line, buttons, links.

One generic shape serves every skill and degrades to text on other channels. Charts travel as
data (the client draws the SVG), never as markup, so a card can never inject HTML or script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPLY_CARD_KIND = "assistant.reply"

REPLY_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "maxLength": 120},
        "subtitle": {"type": "string", "maxLength": 300},
        "rows": {"type": "array", "maxItems": 60, "items": {
            "type": "object", "required": ["label", "value"], "additionalProperties": False,
            "properties": {"label": {"type": "string", "maxLength": 120},
                           "value": {"type": "string", "maxLength": 60},
                           "detail": {"type": "string", "maxLength": 200}}}},
        "chart": {"type": "object", "required": ["bars"], "additionalProperties": False,
                  "properties": {"unit": {"type": "string", "maxLength": 8},
                                 "bars": {"type": "array", "maxItems": 24, "items": {
                                     "type": "object", "required": ["label", "value"],
                                     "additionalProperties": False,
                                     "properties": {"label": {"type": "string", "maxLength": 40},
                                                    "value": {"type": "number", "minimum": 0},
                                                    "display": {"type": "string",
                                                                "maxLength": 40}}}}}},
        "source": {"type": "string", "maxLength": 200},
        "buttons": {"type": "array", "maxItems": 6, "items": {
            "type": "object", "required": ["label", "reply"], "additionalProperties": False,
            "properties": {"label": {"type": "string", "maxLength": 40},
                           "reply": {"type": "string", "maxLength": 200},
                           "style": {"enum": ["primary", "secondary", "danger"]}}}},
        "links": {"type": "array", "maxItems": 6, "items": {
            "type": "object", "required": ["label", "url"], "additionalProperties": False,
            "properties": {"label": {"type": "string", "maxLength": 60},
                           "url": {"type": "string", "maxLength": 2000,
                                   "pattern": "^(https?://|/)"}}}},
        "state": {"enum": ["info", "warning", "success", "confirm", "error"]},
    },
}


@dataclass
class ReplyCard:
    """Builder for an `assistant.reply` card payload."""

    title: str
    subtitle: str | None = None
    rows: list[dict[str, str]] = field(default_factory=list)
    source: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    chart: dict[str, Any] | None = None
    state: str = "info"

    def row(self, label: str, value: str, detail: str | None = None) -> ReplyCard:
        self.rows.append({"label": label[:120], "value": value[:60]}
                         | ({"detail": detail[:200]} if detail else {}))
        return self

    def button(self, label: str, reply: str, style: str = "secondary") -> ReplyCard:
        self.buttons.append({"label": label[:40], "reply": reply[:200], "style": style})
        return self

    def link(self, label: str, url: str) -> ReplyCard:
        self.links.append({"label": label[:60], "url": url})
        return self

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"title": self.title[:120], "state": self.state}
        optional = {"subtitle": self.subtitle, "source": self.source, "chart": self.chart}
        body.update({k: v for k, v in optional.items() if v})
        for key in ("rows", "buttons", "links"):
            if getattr(self, key):
                body[key] = getattr(self, key)
        return body

    def as_text(self) -> str:
        """The card as plain text (for channels without cards, and for search)."""
        lines = [self.title] + ([self.subtitle] if self.subtitle else [])
        lines += [f"{r['label']}: {r['value']}" for r in self.rows]
        if self.source:
            lines.append(self.source)
        return "\n".join(lines)
