"""`chatbank bench nlu`: per-utterance latency and throughput of the intent model on one core.

The committed model (`load_nlu()`: MiniLM encoder + linear head over TF-IDF and the embedding,
BLAS limited to one thread) on BANKING77 utterances, each seen once (no cache hits):

* `parse`: the whole of `Nlu.parse` — encoder, head, slot parsers — what a chat turn pays;
* `intent_model`: encoder + head (the classifier alone);
* `encoder`: the MiniLM sentence embedding alone;
* baseline `tfidf_head`: the same linear head with the embedding left out (TF-IDF word and char
  n-grams only) — the cheapest component of the classifier;
* `batched_encoder`: utterances/s when the encoder takes them 32 at a time.

`runtime` says what ran one text's transformer blocks: "onnxruntime" when installed, else "numpy".

Accuracy is not measured here: the shared data has no BANKING77 test split, and a held-out fold
needs re-training (cross-validation) — minutes, not seconds. `chatbank nlu eval --data …` gives
accuracy, macro-F1 and latency on any BANKING77-format CSV.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from chatbank.assistant.nlu import load_nlu
from chatbank.assistant.nlu.corpus import DEFAULT_DATA_DIR, read_banking77_csv
from chatbank.assistant.nlu.encoder_fetch import DEFAULT_ENCODER_DIR, encoder_is_present
from chatbank.benchmarks._progress import Bars
from chatbank.benchmarks._stats import latency_summary, ratio

ACCURACY_NOTE = ("not measured by the benchmark (no held-out BANKING77 split in the shared "
                 "data; a held-out fold needs re-training): see `chatbank nlu eval --data PATH`")
WARM_UP = 20


@dataclass(frozen=True, slots=True)
class NluConfig:
    utterances: int = 300  # per component, each utterance once
    batch_size: int = 32

    @classmethod
    def quick(cls) -> NluConfig:
        return cls(utterances=12, batch_size=4)


def utterances(count: int, data_dir: Path = DEFAULT_DATA_DIR) -> list[str]:
    """`count` distinct BANKING77 training utterances spread evenly over the file."""
    texts = list(dict.fromkeys(e.text for e in read_banking77_csv(
        data_dir / "banking77" / "train.csv")))
    step = max(1, len(texts) // (count + WARM_UP))
    return texts[::step][: count + WARM_UP]


def _timed(name: str, texts: Sequence[str], run: Callable[[str], object],
           bars: Bars) -> dict[str, Any]:
    """Wall and CPU (this thread's) time per call of `run`, one text at a time."""
    for text in texts[:WARM_UP]:
        run(text)
    advance = bars.task(f"nlu: {name}", len(texts) - WARM_UP)
    wall, cpu = [], []
    started = time.perf_counter()
    for text in texts[WARM_UP:]:
        w0, c0 = time.perf_counter(), time.thread_time()
        run(text)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.thread_time() - c0)
        advance()
    total = time.perf_counter() - started
    cpu_summary = latency_summary(cpu)
    return {**latency_summary(wall), "cpu_p50_ms": cpu_summary["p50_ms"],
            "cpu_p99_ms": cpu_summary["p99_ms"], "per_s": len(wall) / total,
            "per_s_one_core_cpu": len(cpu) / sum(cpu) if sum(cpu) else float("nan")}


def measure(config: NluConfig, bars: Bars) -> dict[str, Any]:
    """Every component over the same utterances; ratios against the TF-IDF head."""
    if not encoder_is_present():
        return {"benchmark": "nlu", "skipped": (
            f"skipped: no NLU encoder in {DEFAULT_ENCODER_DIR}; run `chatbank nlu "
            "fetch-encoder` (part of `make run`'s setup) first")}
    bars.note("nlu: loading the model")
    nlu = load_nlu()
    head, encoder = nlu.head, nlu.encoder
    zero = np.zeros(encoder.encode(["warm"]).shape[1], dtype=np.float32)
    texts = utterances(config.utterances)
    today = date.today()
    parts = {
        "tfidf_head": _timed("TF-IDF head alone (baseline)", texts,
                             lambda t: head.logits(t, zero), bars),
        "encoder": _timed("encoder", texts, lambda t: encoder.encode([t]), bars),
        "intent_model": _timed("intent model", texts,
                               lambda t: head.logits(t, encoder.encode([t])[0]), bars),
        "parse": _timed("parse (intent + slots)", texts, lambda t: nlu.parse(t, today), bars),
    }
    batch = texts[WARM_UP:]
    started, cpu0 = time.perf_counter(), time.thread_time()
    encoder.encode(batch, batch_size=config.batch_size)
    wall, cpu = time.perf_counter() - started, time.thread_time() - cpu0
    base = parts["tfidf_head"]
    return {"benchmark": "nlu", "config": asdict(config), "utterances": len(batch),
            "runtime": encoder.runtime,
            **parts,
            "batched_encoder": {"batch_size": config.batch_size, "per_s": len(batch) / wall,
                                "per_s_one_core_cpu": len(batch) / cpu if cpu else float("nan")},
            "accuracy": ACCURACY_NOTE,
            "ratios": {f"{name}_vs_tfidf_head_cpu_p50": ratio(row["cpu_p50_ms"],
                                                               base["cpu_p50_ms"])
                       for name, row in parts.items() if name != "tfidf_head"}}
