"""`chatbank nlu eval`: intent accuracy/macro-F1 on BANKING77 CSVs, slots and intents on NLU++.

Every figure is computed from the file given, with the committed model; nothing is tuned here.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from chatbank.assistant.nlu.corpus import Example, NluppRow, product_intent_for_nlupp
from chatbank.assistant.nlu.nlupp_slots import NLUPP_TODAY, SlotCounts, score_row_slots
from chatbank.assistant.nlu.parse import Nlu
from chatbank.assistant.nlu.slots.calendar import Prefer

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Latency:
    """Wall-clock and CPU milliseconds per utterance."""

    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float


@dataclass(frozen=True, slots=True)
class IntentReport:
    """Accuracy, macro-F1 and per-intent precision/recall/F1/support."""

    rows: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, dict[str, float]]
    latency: Latency
    label_set: str


@dataclass(frozen=True, slots=True)
class NluppReport:
    """Slot P/R/F1 per slot type, plus intent figures for the NLU++ rows we map."""

    rows: int
    slots: dict[str, dict[str, float]]
    intents: IntentReport | None
    latency: Latency
    unscored_slot_types: dict[str, int] = field(default_factory=dict)


def _timed(items: Sequence[T], fn: Callable[[T], Any]) -> tuple[list[Any], Latency]:
    results, wall, cpu = [], [], []
    for item in items:
        w0, c0 = time.perf_counter(), time.process_time()
        results.append(fn(item))
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)

    def ms(values: list[float], q: int) -> float:
        return round(float(np.percentile(values, q)) * 1000.0, 2)

    return results, Latency(ms(wall, 50), ms(wall, 99), ms(cpu, 50), ms(cpu, 99))


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, dict[
        str, dict[str, float]]]:
    """Accuracy, macro-F1 over the gold labels, and the per-intent table."""
    pairs = list(zip(gold, predicted, strict=True))
    tp = Counter(g for g, p in pairs if g == p)
    gold_n, pred_n = Counter(gold), Counter(predicted)
    table: dict[str, dict[str, float]] = {}
    for label in sorted(gold_n):
        precision = tp[label] / pred_n[label] if pred_n[label] else 0.0
        recall = tp[label] / gold_n[label]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                        "f1": round(f1, 4), "support": gold_n[label]}
    accuracy = sum(tp.values()) / len(pairs) if pairs else 0.0
    macro = float(np.mean([row["f1"] for row in table.values()])) if table else 0.0
    return round(accuracy, 4), round(macro, 4), table


def evaluate_intents(nlu: Nlu, examples: Sequence[Example]) -> IntentReport:
    """Classify every example. On BANKING77 data only BANKING77's labels are ranked."""
    banking77 = {label for label, b in zip(nlu.head.labels, nlu.head.banking77, strict=True) if b}
    only = banking77 if {e.intent for e in examples} <= banking77 else None
    ranked, latency = _timed(examples, lambda e: nlu.classify(e.text, only))
    predicted = [r[0][0] for r in ranked]
    accuracy, macro, table = intent_scores([e.intent for e in examples], predicted)
    return IntentReport(len(examples), accuracy, macro, table, latency,
                        "banking77" if only else "all")


def evaluate_nlupp(nlu: Nlu, rows: Sequence[NluppRow], prefer: Prefer = "future") -> NluppReport:
    """Slots against NLU++ annotations (resolved at 2022-03-15 09:00); mapped intents too."""
    parses, latency = _timed(rows, lambda r: nlu.parse(r.text, NLUPP_TODAY))
    counts = SlotCounts()
    for row in rows:
        score_row_slots(row, counts, prefer)
    mapped = [(product_intent_for_nlupp(r), p.intent) for r, p in zip(rows, parses, strict=True)]
    scored = [(g, p) for g, p in mapped if g is not None]
    intents = None
    if scored:
        accuracy, macro, table = intent_scores([g for g, _ in scored], [p for _, p in scored])
        intents = IntentReport(len(scored), accuracy, macro, table, latency, "all")
    return NluppReport(len(rows), counts.table(), intents, latency, dict(counts.unscored))
