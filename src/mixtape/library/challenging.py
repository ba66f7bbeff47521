"""The RecSys Challenge's own files: make a challenge set, run a model on one, score it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mixtape.library.core import Progress, Status, about, check_seed
from mixtape.library.recommending import Recommending

if TYPE_CHECKING:
    from mixtape.evaluation.challenge import CategoryScore
    from mixtape.evaluation.challenge_make import MadeSet
    from mixtape.evaluation.challenge_run import ChallengeRun


class Challenging(Recommending):
    """``challenge_make``, ``challenge_run`` and ``challenge_score``."""

    def challenge_make(
        self,
        slices: Sequence[Path],
        out: Path,
        truth: Path,
        *,
        per_category: int = 100,
        seed: int = 0,
        progress: Progress | None = None,
    ) -> MadeSet:
        """A challenge-like set from MPD slices by the challenge's category rules, written
        to ``out``, and its held-out tracks to ``truth`` (deterministic by ``seed``).
        Needs no catalog."""
        from mixtape.evaluation.challenge_make import make_challenge

        check_seed(seed)
        with about("slices"):
            return make_challenge(
                slices, out, truth, per_category=per_category, seed=seed, on_progress=progress
            )

    def challenge_run(
        self,
        challenge_set: Path,
        model: str,
        out: Path,
        *,
        team: str = "mixtape",
        email: str = "mixtape@example.com",
        challenge_track: str | None = None,
        params: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
        status: Status | None = None,
    ) -> ChallengeRun:
        """Recommend 500 tracks per playlist of ``challenge_set`` (the official JSON) with
        ``model`` and write the submission CSV to ``out``, checked first.  Catalog playlists
        that are challenge playlists are left out of the model's training."""
        from mixtape.evaluation.challenge import read_challenge_set, team_line
        from mixtape.evaluation.challenge_run import left_out, run_challenge
        from mixtape.evaluation.harness import without_playlists
        from mixtape.models import registry

        info = team_line(team, email, challenge_track)
        with about("model"):
            self._fitted.check(model, params)
        challenge = read_challenge_set(challenge_set)
        self.existing_catalog()
        data = self.arrays(status)
        drop = left_out(data, challenge)
        if drop:
            fitted = registry.create(model, **dict(params or {}))
            fitted.fit(without_playlists(data, drop))
        else:
            fitted = self.fitted(model, params, status)
        return run_challenge(
            data, challenge, fitted, out, info, left_out_of_training=len(drop), on_progress=progress
        )

    def challenge_score(self, submission: Path, truth: Path) -> list[CategoryScore]:
        """R-precision, NDCG and clicks of a submission against a ground truth written by
        :meth:`challenge_make`, per category and overall.  Needs no catalog."""
        from mixtape.evaluation.challenge import read_submission, read_truth, score

        return score(read_submission(submission), read_truth(truth))
