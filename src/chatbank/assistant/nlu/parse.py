"""The NLU's public surface: `load_nlu()` and `Nlu.parse(text, today, ...)` → `Parse`."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from chatbank.assistant.nlu.corpus import OUT_OF_SCOPE
from chatbank.assistant.nlu.encoder import MiniLMEncoder
from chatbank.assistant.nlu.encoder_fetch import DEFAULT_ENCODER_DIR
from chatbank.assistant.nlu.errors import NluError
from chatbank.assistant.nlu.head import HEAD_PATH, IntentHead, softmax
from chatbank.assistant.nlu.slots.amounts import find_amounts
from chatbank.assistant.nlu.slots.hints import (
    AccountHint,
    CardHint,
    Category,
    find_account,
    find_card,
    find_category,
)
from chatbank.assistant.nlu.slots.names import NameMatch, find_name, find_names
from chatbank.assistant.nlu.slots.periods import find_periods
from chatbank.core.errors import InvalidInput
from chatbank.core.money import Money

CounterpartyKind = Literal["contact", "payee", "merchant"]
_KIND_ORDER: dict[str, tuple[CounterpartyKind, ...]] = {
    "pay_contact": ("contact", "payee", "merchant"),
    "request_money": ("contact", "payee", "merchant"),
    "split_bill": ("contact", "payee", "merchant"),
    "transfer_money": ("payee", "contact", "merchant"),
    "pay_bill": ("payee", "merchant", "contact"),
}
_DEFAULT_ORDER: tuple[CounterpartyKind, ...] = ("merchant", "payee", "contact")


@dataclass(frozen=True, slots=True)
class Counterparty:
    """Which known contact, payee or merchant the text names."""

    kind: CounterpartyKind
    match: NameMatch


@dataclass(frozen=True, slots=True)
class Slots:
    """Everything the parsers found; `amount_error` is a code such as "too_many_decimals"."""

    amount: Money | None = None
    amount_per_person: bool = False
    amount_error: str | None = None
    period: tuple[date, date] | None = None
    counterparty: Counterparty | None = None
    contacts_named: tuple[NameMatch, ...] = ()  # every contact named, e.g. to split a bill
    account: AccountHint | None = None
    category: Category | None = None
    card: CardHint | None = None


@dataclass(frozen=True, slots=True)
class Parse:
    """The understood message: intent, its probability, the top three intents, and the slots."""

    intent: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]
    slots: Slots


class Nlu:
    """Intent classifier and slot parsers. Thread-safe; CPU-bound (see `parse_async`)."""

    def __init__(self, head: IntentHead, encoder: MiniLMEncoder) -> None:
        self.head = head
        self.encoder = encoder
        # Chats repeat themselves ("yes", "hi", "cancel"): skip the encoder for those.
        self._embed = functools.lru_cache(maxsize=4096)(self._embed_uncached)

    def _embed_uncached(self, text: str) -> npt.NDArray[np.float32]:
        vector: npt.NDArray[np.float32] = self.encoder.encode([text])[0]
        vector.setflags(write=False)
        return vector

    @property
    def labels(self) -> list[str]:
        """Every intent the classifier knows."""
        return list(self.head.labels)

    def classify(self, text: str, only: Collection[str] | None = None
                 ) -> list[tuple[str, float]]:
        """All labels (or only those in `only`) ranked by probability, best first."""
        logits = self.head.logits(text, self._embed(text))
        columns = np.arange(len(self.head.labels))
        if only is not None:
            columns = np.array([i for i, label in enumerate(self.head.labels) if label in only])
        probabilities = softmax(logits[columns][None, :])[0]
        order = np.argsort(-probabilities, kind="stable")
        return [(self.head.labels[columns[i]], float(probabilities[i])) for i in order]

    def parse(self, text: str, today: date, contacts: Sequence[str] = (),
              payees: Sequence[str] = (), merchants: Sequence[str] = (),
              default_currency: str = "GBP") -> Parse:
        """Understand one message. Names are only ever matched against the given candidates."""
        ranked = self.classify(text)
        intent, confidence = ranked[0]
        if confidence < self.head.oos_threshold:
            intent = OUT_OF_SCOPE
        candidates: dict[CounterpartyKind, Sequence[str]] = {
            "contact": contacts, "payee": payees, "merchant": merchants}
        slots = extract_slots(text, today, intent, candidates, default_currency)
        return Parse(intent, confidence, tuple(ranked[:3]), slots)

    async def parse_async(self, text: str, today: date, contacts: Sequence[str] = (),
                          payees: Sequence[str] = (), merchants: Sequence[str] = ()) -> Parse:
        """`parse` in a worker thread, so the event loop never waits on the encoder."""
        return await asyncio.to_thread(self.parse, text, today, contacts, payees, merchants)


def extract_slots(text: str, today: date, intent: str,
                  candidates: dict[CounterpartyKind, Sequence[str]],
                  default_currency: str = "GBP") -> Slots:
    """Run every slot parser over `text`; `intent` decides which name list wins a tie."""
    amount, per_person, error = None, False, None
    try:
        amounts = find_amounts(text, default_currency)
        if amounts:
            amount, per_person = amounts[0].money, amounts[0].per_person
    except InvalidInput as exc:
        error = exc.code
    periods = find_periods(text, today)
    contacts_named = tuple(find_names(text, candidates["contact"]))
    return Slots(
        amount=amount, amount_per_person=per_person, amount_error=error,
        period=(periods[0].start, periods[0].end) if periods else None,
        counterparty=_counterparty(text, intent, candidates, contacts_named),
        contacts_named=contacts_named,
        account=find_account(text), category=find_category(text), card=find_card(text),
    )


def _counterparty(text: str, intent: str, candidates: dict[CounterpartyKind, Sequence[str]],
                  contacts_named: Sequence[NameMatch]) -> Counterparty | None:
    best: Counterparty | None = None
    for kind in _KIND_ORDER.get(intent, _DEFAULT_ORDER):
        if kind == "contact":  # find_name is the first of find_names: don't match twice
            found = contacts_named[0] if contacts_named else None
        else:
            found = find_name(text, candidates[kind])
        if found is not None and (best is None or found.confidence > best.match.confidence):
            best = Counterparty(kind, found)
    return best


@functools.cache
def load_nlu(head_path: Path = HEAD_PATH, encoder_dir: Path = DEFAULT_ENCODER_DIR) -> Nlu:
    """Load (once per process) the committed intent head and the set-up-time encoder.

    BLAS is limited to one thread: one utterance is a few small matrix products, and on a busy
    machine extra BLAS threads only spin. Concurrency comes from `parse_async`'s thread pool.
    """
    threadpool_limits(limits=1, user_api="blas")
    if not (encoder_dir / "model.safetensors").is_file():
        raise NluError("encoder_missing",
                       f"No encoder in {encoder_dir}; run `chatbank nlu fetch-encoder` once.")
    return Nlu(IntentHead.load(head_path), MiniLMEncoder.from_directory(encoder_dir))
