"""Dialogue state: the form being filled, what it waits for, and forms paused by a switch.

Pure data, stored as JSON per conversation so a restart resumes mid-form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONFIRMATION = "confirmation"
MAX_PAUSED = 3


@dataclass
class Form:
    """One task in progress: its intent, the slots gathered so far, and what it waits for."""

    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    awaiting: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"intent": self.intent, "slots": self.slots, "awaiting": self.awaiting}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Form:
        return cls(str(data["intent"]), dict(data.get("slots") or {}), data.get("awaiting"))


@dataclass
class DialogueState:
    active: Form | None = None
    paused: list[Form] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"active": self.active.to_json() if self.active else None,
                "paused": [f.to_json() for f in self.paused]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DialogueState:
        if not data:
            return cls()
        active = data.get("active")
        return cls(Form.from_json(active) if active else None,
                   [Form.from_json(f) for f in data.get("paused") or []])

    def pause_active(self) -> None:
        """Put the current form aside (the user asked something else mid-form)."""
        if self.active is not None:
            self.paused = [self.active, *self.paused][:MAX_PAUSED]
            self.active = None

    def resume_paused(self) -> Form | None:
        """Take back the most recently paused form, if any."""
        if not self.paused:
            return None
        self.active, self.paused = self.paused[0], self.paused[1:]
        return self.active
