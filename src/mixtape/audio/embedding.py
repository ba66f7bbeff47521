"""The sonic embedding: a fixed-length vector of timbre, harmony and rhythm statistics.

Components (in this order, :data:`SONIC_FIELDS` names each), every one scaled by a fixed,
documented factor so that they are all of order 0.1–1 (the vector is usable as it is;
a model should still standardize each component over its catalog before cosine):

* ``mfcc00..19_mean`` and ``_std`` — 20 MFCCs (64 mel bands, log power) over the
  excerpt, divided by 100: the spectral envelope, i.e. timbre;
* ``chroma_C..B_mean`` and ``_std`` — constant-Q chroma from C3 to C8 (each frame
  scaled to a maximum of 1): which pitch classes sound, how steadily;
* ``contrast0..6_mean`` and ``_std`` — spectral contrast in 7 octave bands (peak over
  valley, dB) divided by 50: tonal peaks against noise, per band;
* spectral centroid (mean, std), bandwidth and 85% roll-off as fractions of the Nyquist
  frequency, spectral flatness, zero-crossing rate, frame RMS in dB over 60 (mean, std);
* rhythm: onsets per second over 10, onset strength (mean, std) over 10, tempo over
  200 BPM (0 without a beat), pulse clarity, beat strength;
* level and key: loudness in LUFS over 60, the energy and danceability estimates, and
  the key's clarity (the best key profile's correlation).

Stored as little-endian float32 bytes (:func:`to_bytes` / :func:`from_bytes`).
"""

from __future__ import annotations

import numpy as np

PITCH_CLASSES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
N_MFCC = 20
N_CONTRAST = 7

#: The embedding's parts in order, each with the names of the components it fills.
SONIC_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mfcc_mean", tuple(f"mfcc{i:02d}_mean" for i in range(N_MFCC))),
    ("mfcc_std", tuple(f"mfcc{i:02d}_std" for i in range(N_MFCC))),
    ("chroma_mean", tuple(f"chroma_{name}_mean" for name in PITCH_CLASSES)),
    ("chroma_std", tuple(f"chroma_{name}_std" for name in PITCH_CLASSES)),
    ("contrast_mean", tuple(f"contrast{i}_mean" for i in range(N_CONTRAST))),
    ("contrast_std", tuple(f"contrast{i}_std" for i in range(N_CONTRAST))),
    ("centroid", ("centroid_mean", "centroid_std")),
    ("bandwidth", ("bandwidth_mean",)),
    ("rolloff", ("rolloff_mean",)),
    ("flatness", ("flatness_mean",)),
    ("zero_crossing_rate", ("zero_crossing_rate",)),
    ("rms_db", ("rms_db_mean", "rms_db_std")),
    ("onset_rate", ("onset_rate",)),
    ("onset_strength", ("onset_strength_mean", "onset_strength_std")),
    ("tempo", ("tempo",)),
    ("pulse_clarity", ("pulse_clarity",)),
    ("beat_strength", ("beat_strength",)),
    ("loudness", ("loudness",)),
    ("energy", ("energy",)),
    ("danceability", ("danceability",)),
    ("key_clarity", ("key_clarity",)),
)
#: The name of each component of the embedding, in order.
SONIC_FIELDS: tuple[str, ...] = tuple(field for _, fields in SONIC_PARTS for field in fields)
#: Length of the embedding.
SONIC_DIM = len(SONIC_FIELDS)
#: How an embedding is stored: little-endian float32.
SONIC_DTYPE = np.dtype("<f4")


def assemble(parts: dict[str, np.ndarray | float]) -> np.ndarray:
    """The embedding from its parts, named and sized as :data:`SONIC_PARTS` says (in
    that order, whatever the mapping's).

    Returns float32 ``(SONIC_DIM,)`` with any non-finite value replaced by 0; raises
    ValueError when a part is missing, unexpected or of the wrong size.
    """
    expected = {name for name, _ in SONIC_PARTS}
    if set(parts) != expected:
        wrong = sorted(set(parts) ^ expected)
        raise ValueError(f"embedding parts missing or unexpected: {', '.join(wrong)}")
    values = []
    for name, fields in SONIC_PARTS:
        part = np.atleast_1d(np.asarray(parts[name], dtype=np.float64))
        if part.shape != (len(fields),):
            raise ValueError(f"embedding part {name} has shape {part.shape}, not ({len(fields)},)")
        values.append(part)
    return np.nan_to_num(np.concatenate(values), nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    """An embedding as stored in the catalog: ``SONIC_DIM`` little-endian float32."""
    return np.asarray(vector, dtype=SONIC_DTYPE).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """An embedding read back from the catalog (a read-only float32 array).

    Raises ValueError when the length is not ``SONIC_DIM`` values.
    """
    if len(blob) != SONIC_DIM * SONIC_DTYPE.itemsize:
        raise ValueError(
            f"a sonic embedding of {len(blob)} bytes where "
            f"{SONIC_DIM * SONIC_DTYPE.itemsize} were expected (another analyser version?)"
        )
    return np.frombuffer(blob, dtype=SONIC_DTYPE)
