"""Imports every built-in model module so each registers itself."""

from mixtape.models import (
    audio,  # noqa: F401
    clusters,  # noqa: F401
    content,  # noqa: F401
    cooccurrence,  # noqa: F401
    genre_clusters,  # noqa: F401
    hybrid,  # noqa: F401
    mood,  # noqa: F401
    popular,  # noqa: F401
    random_baseline,  # noqa: F401
    spotify_model,  # noqa: F401
)
