"""Progress bars (on stderr, so ``--json`` output stays clean)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def progress_bar(console: Console, *, transient: bool = False) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=transient,
    )


class LazyBar:
    """One progress bar that appears on the first update, so bad input fails without one."""

    def __init__(self, console: Console, description: str) -> None:
        self._bar = progress_bar(console)
        self._description = description
        self._task: TaskID | None = None

    def update(self, done: int, total: int | None, description: str | None = None) -> None:
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task(self._description, total=total)
        self._bar.update(
            self._task, completed=done, total=total, description=description or self._description
        )

    def stop(self) -> None:
        """Take the bar off the screen before printing (it may not have appeared)."""
        if self._task is not None:
            self._bar.stop()
            self._task = None

    def __enter__(self) -> LazyBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
