"""Measuring audio files: decoding, tags, features and the sonic embedding.

Imports numpy, scipy, soundfile, librosa, pyloudnorm, tinytag (and runs ffmpeg) and of
ours only the leaf modules: nothing here knows the catalog, the models or the facade.
librosa is imported inside the functions that need it, so importing this package is
cheap (a process pool's workers pay for librosa once, on their first file).

* :mod:`~mixtape.audio.decode` -- a bounded excerpt through libsndfile or ffmpeg;
* :mod:`~mixtape.audio.tags` -- tags (tinytag) and names from the path;
* :mod:`~mixtape.audio.measure` -- loudness, tempo, metre, key; energy and danceability
  estimates;
* :mod:`~mixtape.audio.embedding` -- the sonic embedding's fields and storage;
* :mod:`~mixtape.audio.analysis` -- :func:`analyse`, all of it for one file.
"""

from __future__ import annotations

from mixtape.audio.analysis import ANALYSER, MAX_SECONDS, Analysis, analyse, warm_up
from mixtape.audio.decode import ffmpeg_available
from mixtape.audio.embedding import SONIC_DIM, SONIC_DTYPE, SONIC_FIELDS, from_bytes, to_bytes
from mixtape.audio.tags import Tags, names_from_path, read_tags, split_artists

#: File extensions mixtape analyses (lower case, with the dot): what libsndfile decodes
#: here, plus M4A/AAC through ffmpeg.
AUDIO_EXTENSIONS: frozenset[str] = frozenset(
    {".mp3", ".flac", ".ogg", ".oga", ".opus", ".wav", ".aif", ".aiff", ".m4a", ".aac"}
)

__all__ = [
    "ANALYSER",
    "AUDIO_EXTENSIONS",
    "MAX_SECONDS",
    "SONIC_DIM",
    "SONIC_DTYPE",
    "SONIC_FIELDS",
    "Analysis",
    "Tags",
    "analyse",
    "ffmpeg_available",
    "from_bytes",
    "names_from_path",
    "read_tags",
    "split_artists",
    "to_bytes",
    "warm_up",
]
