"""What one ``ingest audio`` run did: counts, one line per problem, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class AudioIngestSummary:
    """The result of ingesting music folders (also carried by ``Interrupted.done``).

    ``problems`` has one line per file or folder that could not be used (the walk's
    findings and the files whose analysis failed this run); ``warnings`` one line per
    thing worth a look that is not a failure (two files that are one song, playlist
    entries that match no file).
    """

    roots: tuple[str, ...]
    found: int = 0  # audio files found under the roots
    analysed: int = 0  # analysed and committed in this run
    unchanged: int = 0  # same size and time as recorded: not opened
    failed: int = 0  # failed in this run (each one is a line of ``problems``)
    failed_before: int = 0  # failed in an earlier run and unchanged since: not retried
    missing: int = 0  # recorded earlier, gone now: marked missing
    restored: int = 0  # marked missing earlier, back unchanged
    to_analyse: int = 0  # new, changed or stale files this run had to analyse
    playlists: int = 0  # M3U files written as playlists
    playlist_entries: int = 0  # their entries that matched a file
    unmatched_entries: int = 0  # and the ones that did not
    problems: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    stopped: bool = False  # Ctrl-C or --strict: the rest resumes on the next run
    seconds: float = 0.0

    @property
    def status(self) -> str:
        return "stopped" if self.stopped else "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "roots": list(self.roots),
            "status": self.status,
            "found": self.found,
            "analysed": self.analysed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "failed_before": self.failed_before,
            "missing": self.missing,
            "restored": self.restored,
            "to_analyse": self.to_analyse,
            "playlists": self.playlists,
            "playlist_entries": self.playlist_entries,
            "unmatched_entries": self.unmatched_entries,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "seconds": self.seconds,
        }

    def message(self) -> str:
        """One line for the run's ``ingests`` row."""
        return (
            f"{self.found} files: {self.analysed} analysed, {self.unchanged} unchanged, "
            f"{self.failed} failed ({self.failed_before} earlier), {self.missing} missing, "
            f"{self.restored} back; {self.playlists} playlists "
            f"({self.unmatched_entries} entries unmatched); {len(self.problems)} problems"
        )
