"""Training and evaluation corpora: BANKING77 CSV, NLU++ folds, and our own templates.

NLU++ labels are multi-label "intent modules" (`balance`, `card` + `cancel_close_leave_freeze`,
...). `product_intent_for_nlupp` maps a few unambiguous combinations onto the product's
transactional intents; every other NLU++ row is left out of intent training.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatbank.assistant.nlu.errors import NluError

PRODUCT_INTENTS: tuple[str, ...] = (
    "check_balance", "search_transactions", "spending_summary", "transfer_money", "pay_bill",
    "pay_credit_card", "freeze_card", "unfreeze_card", "link_bank", "unlink_bank", "pay_contact",
    "request_money", "split_bill", "privacy_question", "upcoming_payments", "greet", "help",
    "affirm", "deny", "cancel", "out_of_scope",
)
OUT_OF_SCOPE = "out_of_scope"
TEMPLATES_PATH = Path(__file__).parent / "data" / "templates.jsonl"


def _default_data_dir() -> Path:
    """`CHATBANK_NLU_DATA`, else `CHATBANK_SHARED_DIR/data`, else `shared/data` beside the repo."""
    if os.environ.get("CHATBANK_NLU_DATA"):
        return Path(os.environ["CHATBANK_NLU_DATA"])
    if os.environ.get("CHATBANK_SHARED_DIR"):
        return Path(os.environ["CHATBANK_SHARED_DIR"]) / "data"
    return Path(__file__).resolve().parents[4].parent / "shared" / "data"


DEFAULT_DATA_DIR = _default_data_dir()

# NLU++ modules that turn a request into a support question (why/how/what went wrong), which
# BANKING77's support intents cover rather than the product's actions.
_QUESTION_MODULES = frozenset({
    "wrong_notworking_notshowing", "why", "how", "fees_interests", "limits", "international",
    "when", "how_long", "standing_order", "direct_debit", "cheque", "refund", "lost_stolen",
    "loan", "mortgage", "overdraft", "appointment", "arrival", "pin", "withdrawal",
})
_BANKING_MODULES = frozenset({
    "savings", "current", "business", "credit", "debit", "contactless", "international", "account",
    "transfer_payment_deposit", "appointment", "arrival", "balance", "card", "cheque",
    "direct_debit", "standing_order", "fees_interests", "loan", "mortgage", "overdraft",
    "withdrawal", "pin", "refund",
})
_SPEND_WORDS = ("spend", "spent", "spending", "expenditure", "expenses")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled utterance."""

    text: str
    intent: str


@dataclass(frozen=True, slots=True)
class NluppRow:
    """One NLU++ utterance: multi-label intent modules and annotated slots."""

    text: str
    modules: frozenset[str]
    slots: dict[str, Any] = field(default_factory=dict)


def read_banking77_csv(path: Path) -> list[Example]:
    """Read a BANKING77-format CSV (`text,category`)."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return [Example(row["text"], row["category"]) for row in csv.DictReader(handle)]
    except (OSError, KeyError, csv.Error) as exc:
        raise NluError("unreadable_data", f"{path} is not a text,category CSV: {exc}") from None


def read_nlupp_fold(path: Path) -> list[NluppRow]:
    """Read an NLU++ fold (a JSON list of {text, intents?, slots?})."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [NluppRow(r["text"], frozenset(r.get("intents", [])), r.get("slots", {}))
                for r in rows]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise NluError("unreadable_data", f"{path} is not an NLU++ fold: {exc}") from None


def read_templates(path: Path = TEMPLATES_PATH) -> list[Example]:
    """Our hand-written utterances for the product intents (one JSON object per line)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Example(**json.loads(line)) for line in lines if line.strip()]


def product_intent_for_nlupp(row: NluppRow) -> str | None:
    """The product intent an NLU++ row unambiguously expresses, or None."""
    m = row.modules
    banking = m & _BANKING_MODULES
    if not banking:
        return _general_intent(m)
    if m & _QUESTION_MODULES:
        return None
    text = row.text.lower()
    if "balance" in m and not m & {"transfer_payment_deposit", "change"}:
        return "check_balance"
    if {"card", "cancel_close_leave_freeze"} <= m:
        return "freeze_card"
    if any(word in text for word in _SPEND_WORDS) and ("how_much" in m or "shopping_category"
                                                          in row.slots):
        return "spending_summary"
    if {"transfer_payment_deposit", "make_open_apply_setup_get_activate"} <= m and not m & {
        "request_info", "change", "cancel_close_leave_freeze", "new"
    }:
        return "transfer_money"
    return None


def _general_intent(modules: frozenset[str]) -> str | None:
    for module, intent in (("greet", "greet"), ("affirm", "affirm"), ("deny", "deny")):
        others = modules - {module, "acknowledge", "thank"}
        if module in modules and not others:
            return intent
    return None


def nlupp_examples(rows: list[NluppRow]) -> list[Example]:
    """NLU++ rows that map onto a product intent, as labelled examples."""
    examples = []
    for row in rows:
        intent = product_intent_for_nlupp(row)
        if intent is not None:
            examples.append(Example(row.text, intent))
    return examples


def training_corpus(data_dir: Path = DEFAULT_DATA_DIR) -> list[Example]:
    """BANKING77 train + mapped NLU++ banking folds + our templates, in a fixed order."""
    b77 = read_banking77_csv(data_dir / "banking77" / "train.csv")
    folds = sorted((data_dir / "nlupp-banking").glob("fold*.json"),
                   key=lambda p: int(p.stem.removeprefix("fold")))
    nlupp = [row for fold in folds for row in read_nlupp_fold(fold)]
    return b77 + nlupp_examples(nlupp) + read_templates()
