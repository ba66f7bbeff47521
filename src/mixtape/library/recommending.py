"""Models, tracks, recommend and curate: the facade's reading side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from mixtape import grow as growing
from mixtape.errors import CatalogError, UnknownTrackError
from mixtape.features.arrays import AUDIO_COLUMNS, FEATURE_SOURCES, TrackArrays
from mixtape.fitting import (
    availability,
    model_summary,
    needs_network,
    score_meaning,
    uses_title,
)
from mixtape.inputs import SeedSpec
from mixtape.library.core import Core, Notify, Status, about, quiet
from mixtape.library.results import ModelInfo, TrackDetails, number
from mixtape.models import registry
from mixtape.models.base import Recommender
from mixtape.service import (
    CurationOutcome,
    Options,
    RecommendationResult,
    check_n,
    curate,
    recommend,
)


class Recommending(Core):
    """Models and their availability, track look-ups, recommend and curate."""

    def models(self) -> list[ModelInfo]:
        """Every registered model, by name, with whether it can run here and why not
        (on this catalog too, when there is one: ``sonic`` needs analysed audio)."""
        data = self._arrays_if_any()
        out = []
        for name in sorted(registry.names()):
            ok, reason = availability(name)
            if ok and data is not None:
                ok, reason = registry.model_class(name).available_on(data)
            out.append(
                ModelInfo(
                    name=name,
                    summary=model_summary(name),
                    available=ok,
                    reason=reason or None,
                    needs_network=needs_network(name),
                    score=score_meaning(name),
                    uses_title=uses_title(name),
                )
            )
        return out

    def _arrays_if_any(self) -> TrackArrays | None:
        """The catalog's arrays, or None when there is no catalog or it is empty."""
        if not self.exists():
            return None
        try:
            return self.arrays()
        except CatalogError:
            return None

    def fitted(
        self,
        model: str,
        params: Mapping[str, Any] | None = None,
        status: Status | None = None,
    ) -> Recommender:
        """``model`` fitted on the catalog: from memory, from disk, or fitted now (once)."""
        with about("model"):
            self._fitted.check(model, params)  # a bad name or parameter fails before any work
        data = self.arrays(status)
        return self._fitted.get(data, model, params, status=status or quiet)

    def track(self, ref: str) -> TrackDetails:
        """One track by reference (id, URI, URL or "artist - title").

        Raises :class:`UnknownTrackError` (``field="track"``) with suggestions.
        """
        data = self.arrays()
        index = self.index(data)
        row = index.row(ref)
        genres = data.track_genres
        cols = genres.indices[genres.indptr[row] : genres.indptr[row + 1]]
        return TrackDetails(
            track_id=index.key(row),
            name=str(data.names[row]),
            artists=tuple(index.artists(row)),
            year=number(float(data.year[row])),
            popularity=number(float(data.popularity[row])),
            features={
                c: number(float(v)) for c, v in zip(AUDIO_COLUMNS, data.audio[row], strict=True)
            },
            genres=tuple(str(data.genre_names[c]) for c in np.sort(cols)),
            playlists=int(data.playlist_counts[row]),
            feature_source=FEATURE_SOURCES[int(data.feature_source[row])],
        )

    def recommend(
        self,
        model: str,
        *,
        tracks: Sequence[str] = (),
        playlist: str | None = None,
        mood: str | None = None,
        title: str | None = None,
        n: int = 10,
        max_per_artist: int | None = None,
        exclude: Sequence[str] = (),
        minimum: Mapping[str, float] | None = None,
        maximum: Mapping[str, float] | None = None,
        target: Mapping[str, float] | None = None,
        all_versions: bool = False,
        params: Mapping[str, Any] | None = None,
        grow: bool = False,
        skip_unknown: bool = False,
        notify: Notify | None = None,
        status: Status | None = None,
    ) -> RecommendationResult:
        """Recommend ``n`` tracks with ``model`` from seed tracks, a playlist or a mood, and/or
        a playlist ``title`` (a title alone needs a model that uses titles, such as
        ``title``; other models ignore a title given with tracks, with a warning).

        ``tracks`` and ``exclude`` are track references; unknown excluded tracks
        are skipped with a warning, and so are unknown seed tracks with
        ``skip_unknown`` (as long as one is known).  ``grow=True`` first adds
        Spotify seed tracks the catalog lacks (needs Spotify credentials);
        ``notify`` hears what was added.  Raises :class:`InputError` (with
        ``field``) for bad input, :class:`SeedError` when the model cannot use
        the seeds, :class:`NoCatalogError` / :class:`CatalogError` when there is
        no catalog or it is empty.
        """
        status = status or quiet
        check_n(n)
        with about("model"):
            self._fitted.check(model, params)  # fail on a bad name or parameters before any work
        catalog = self.existing_catalog()
        data = self.arrays(status)
        spec = SeedSpec(
            tracks=tuple(tracks),
            playlist=playlist,
            mood=mood,
            skip_unknown=skip_unknown,
            title=title,
        )
        growth = growing.Growth()
        if grow and spec.kinds() == ["tracks"]:
            missing = growing.unknown_spotify_ids(self.index(data), spec.tracks)
            if missing:
                with status(f"looking up {len(missing)} unknown track(s) on Spotify"):
                    growth = growing.look_up(catalog, self.settings.data_dir, missing, notify)
            if growth.added:
                data = self.arrays(status)
                if notify is not None:
                    notify(growing.added_note(self.index(data), growth.added))
        options = Options(
            max_per_artist, tuple(exclude), minimum, maximum, target, all_versions, params
        )
        try:
            result = recommend(
                data,
                self.index(data),
                self._fitted,
                model,
                spec,
                n=n,
                options=options,
                status=status,
            )
        except UnknownTrackError as exc:
            if growth.why_not is None:
                raise
            hint = f"{exc.hint}; {growth.why_not}" if exc.hint else growth.why_not
            raise UnknownTrackError(exc.message, hint=hint, field=exc.field) from exc
        if not data.any_files:  # nothing to add: no track of the catalog has a file
            return result
        return replace(result, recommendations=self._with_files(data, result.recommendations))

    def curate(
        self,
        tracks: Sequence[str],
        *,
        n: int = 50,
        max_per_artist: int | None = None,
        exclude: Sequence[str] = (),
        minimum: Mapping[str, float] | None = None,
        maximum: Mapping[str, float] | None = None,
        target: Mapping[str, float] | None = None,
        all_versions: bool = False,
        params: Mapping[str, Any] | None = None,
        skip_unknown: bool = True,
        status: Status | None = None,
    ) -> CurationOutcome:
        """``n`` tracks drawn from the seeds' audio clusters in proportion to the seeds.

        ``tracks`` is a library or playlist (track references); unknown ones are
        skipped with a warning unless ``skip_unknown`` is False.
        """
        status = status or quiet
        check_n(n)
        data = self.arrays(status)
        spec = SeedSpec(tracks=tuple(tracks), skip_unknown=skip_unknown)
        options = Options(
            max_per_artist, tuple(exclude), minimum, maximum, target, all_versions, params
        )
        outcome = curate(
            data, self.index(data), self._fitted, spec, n, options=options, status=status
        )
        return replace(outcome, recommendations=self._with_files(data, outcome.recommendations))
