"""Progress bars for the benchmarks (rich.progress on stderr), or none at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Bars:
    """Hands out one bar per phase; `task(description, total)` returns its `advance()`."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self._last_note = ""

    def task(self, description: str, total: int) -> Callable[[], None]:
        progress = self.progress
        if progress is None:
            return lambda: None
        task_id = progress.add_task(description, total=total)
        return lambda: progress.advance(task_id)

    def note(self, description: str) -> None:
        """A phase without a count (starting servers, loading a model)."""
        if self.progress is not None and description != self._last_note:
            self._last_note = description
            self.progress.console.print(f"[dim]{description}[/dim]")


@contextmanager
def bars_on(console: Console) -> Iterator[Bars]:
    """Live bars on `console` (which the CLI puts on stderr when stdout carries JSON)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        yield Bars(progress)
