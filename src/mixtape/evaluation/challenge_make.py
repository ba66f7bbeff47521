"""A challenge-like set from MPD slices, following the RecSys Challenge 2018's rules.

The official set has ten categories (``RULES``, in its order): the title only;
the title and the first track; the title and the first 5; the first 5 without
the title; the title and the first 10; the first 10 without it; the title and
the first 25 or 25 at random; the title and the first 100 or 100 at random.
Its README gives no length rules; the playlist lengths (``num_tracks``) per
category are the ranges observed in the official set, as participants measured
them (10-50 tracks for the title only, ..., 150-250 with 100 seeds).  Like the
official set, every track of a challenge playlist, seeds and held-out tracks
alike, still occurs in a playlist left for training: a playlist is taken only
when each of its tracks is in at least one other playlist not taken yet.

Playlists are visited in a seeded random order, category after category; random
seeds are drawn from the same generator, so a seed gives the same set every
time.  The Million Playlist Dataset is for research, non-commercial use only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from mixtape.errors import InputError
from mixtape.evaluation.challenge import (
    ChallengePlaylist,
    ChallengeSet,
    ChallengeTrack,
    Truth,
    TruthPlaylist,
)
from mixtape.export import write_atomically
from mixtape.features.titles import normalize_title
from mixtape.ingest.mpd import MpdPlaylist, decode_slice, expand_paths

RESEARCH_NOTE = (
    "The Million Playlist Dataset is for research, non-commercial use only "
    "(see its licence); so is a challenge set made from it."
)


@dataclass(frozen=True)
class Rule:
    """One challenge category: seeds, title or not, and the playlist lengths it takes."""

    category: str  # the name `mixtape evaluate` uses
    seeds: int
    random: bool
    title: bool
    min_tracks: int
    max_tracks: int


RULES: tuple[Rule, ...] = (
    Rule("title-only", 0, False, True, 10, 50),
    Rule("title-first-1", 1, False, True, 10, 78),
    Rule("title-first-5", 5, False, True, 10, 100),
    Rule("first-5", 5, False, False, 40, 100),
    Rule("title-first-10", 10, False, True, 40, 100),
    Rule("first-10", 10, False, False, 40, 100),
    Rule("title-first-25", 25, False, True, 101, 250),
    Rule("title-random-25", 25, True, True, 101, 250),
    Rule("title-first-100", 100, False, True, 150, 250),
    Rule("title-random-100", 100, True, True, 150, 250),
)


@dataclass
class MadeSet:
    """What ``make_challenge`` wrote: playlists per category, and the shortfalls."""

    challenge_path: Path
    truth_path: Path
    read_playlists: int
    per_category: dict[str, int]
    asked_per_category: int
    seed: int
    warnings: list[str] = field(default_factory=list)  # categories left short
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "challenge_set": str(self.challenge_path),
            "truth": str(self.truth_path),
            "read_playlists": self.read_playlists,
            "per_category": self.per_category,
            "asked_per_category": self.asked_per_category,
            "seed": self.seed,
            "warnings": self.warnings,
            "notes": self.notes,
        }


def _fits(p: MpdPlaylist, rule: Rule, left: Counter[str]) -> bool:
    if not rule.min_tracks <= len(p.tracks) <= rule.max_tracks:
        return False
    if rule.title and not normalize_title(p.name):
        return False
    return all(left[uri] >= 2 for uri in {t.track_uri for t in p.tracks})


def _challenge_playlist(
    p: MpdPlaylist, rule: Rule, rng: np.random.Generator
) -> tuple[ChallengePlaylist, TruthPlaylist]:
    n = len(p.tracks)
    if rule.random:
        chosen = set(rng.choice(n, size=rule.seeds, replace=False).tolist())
    else:
        chosen = set(range(rule.seeds))
    seeds = [
        ChallengeTrack(
            track_uri=t.track_uri,
            pos=i,
            track_name=t.track_name,
            artist_name=t.artist_name,
            artist_uri=t.artist_uri,
            album_name=t.album_name,
            album_uri=t.album_uri,
            duration_ms=t.duration_ms,
        )
        for i, t in enumerate(p.tracks)
        if i in chosen
    ]
    held = [t.track_uri for i, t in enumerate(p.tracks) if i not in chosen]
    playlist = ChallengePlaylist(
        pid=p.pid,
        num_holdouts=len(held),
        num_samples=len(seeds),
        num_tracks=n,
        tracks=seeds,
        name=p.name if rule.title else None,
    )
    return playlist, TruthPlaylist(pid=p.pid, category=rule.category, holdouts=held)


def make_challenge(
    slices: Sequence[Path],
    out: Path,
    truth_out: Path,
    *,
    per_category: int = 100,
    seed: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> MadeSet:
    """Read MPD slices, pick up to ``per_category`` playlists per category by ``RULES``, and
    write the challenge set (``out``) and its ground truth (``truth_out``) atomically."""
    if per_category < 1:
        raise InputError(
            f"per category must be at least 1, not {per_category}", field="per_category"
        )
    if Path(out).resolve() == Path(truth_out).resolve():
        raise InputError("the challenge set and its ground truth need two files", field="truth")
    paths = expand_paths(slices)
    playlists: list[MpdPlaylist] = []
    seen_pids: set[int] = set()
    for i, path in enumerate(paths):
        for p in decode_slice(path).playlists:
            if p.pid in seen_pids:
                raise InputError(f"{path}: pid {p.pid} is in another slice too", field="slices")
            seen_pids.add(p.pid)
            playlists.append(p)
        if on_progress:
            on_progress(i + 1, len(paths))
    left: Counter[str] = Counter(uri for p in playlists for uri in {t.track_uri for t in p.tracks})
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(playlists)).tolist()
    taken: set[int] = set()
    chosen: list[ChallengePlaylist] = []
    truths: list[TruthPlaylist] = []
    counts: dict[str, int] = {}
    for rule in RULES:
        count = 0
        for i in order:
            if count == per_category:
                break
            p = playlists[i]
            if i in taken or not _fits(p, rule, left):
                continue
            taken.add(i)
            left.subtract({t.track_uri for t in p.tracks})
            playlist, truth = _challenge_playlist(p, rule, rng)
            chosen.append(playlist)
            truths.append(truth)
            count += 1
        counts[rule.category] = count
    warnings = [
        f"{rule.category}: {counts[rule.category]} of {per_category} playlists "
        f"({rule.min_tracks}-{rule.max_tracks} tracks{', titled' if rule.title else ''}, "
        "every track also in a training playlist)"
        for rule in RULES
        if counts[rule.category] < per_category
    ]
    notes = [
        "challenge run leaves these playlists out of training when the catalog holds them "
        "(as mpd:<pid>, after ingesting the same slices)",
        RESEARCH_NOTE,
    ]
    version = f"mixtape challenge make, seed {seed}"
    write_atomically(
        out,
        msgspec.json.encode(ChallengeSet(playlists=chosen, version=version)),
        field="out",
    )
    write_atomically(
        truth_out,
        msgspec.json.encode(Truth(playlists=truths, version=version, seed=seed)),
        field="truth",
    )
    return MadeSet(
        challenge_path=Path(out),
        truth_path=Path(truth_out),
        read_playlists=len(playlists),
        per_category=counts,
        asked_per_category=per_category,
        seed=seed,
        warnings=warnings,
        notes=notes,
    )


__all__ = ["RESEARCH_NOTE", "RULES", "MadeSet", "Rule", "make_challenge"]
