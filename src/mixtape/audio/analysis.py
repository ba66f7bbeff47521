"""``analyse(path)``: tags, measured features, estimates and the sonic embedding of one file.

A top-level, picklable function for a process pool: it limits the numerical libraries
to one thread while it runs (a pool runs one worker per core) and raises only
:class:`~mixtape.errors.AudioError` for a bad file.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mixtape.audio import measure
from mixtape.audio.decode import Excerpt, read_excerpt, short_reason
from mixtape.audio.embedding import N_MFCC, assemble, to_bytes
from mixtape.audio.tags import Tags, names_from_path, read_tags
from mixtape.errors import AudioError

#: The analysis version stored with every row it produces; bumped when a value changes.
ANALYSER = "mixtape-audio-1"
#: Seconds analysed at most: the middle of a longer file.
MAX_SECONDS = 120.0


@dataclass(frozen=True, slots=True, eq=False)
class Analysis:
    """What :func:`analyse` found in one file.

    ``tempo``, ``key``, ``mode`` and ``time_signature`` are None when the signal has no
    steady beat, no tonal content or no clear metre.  ``energy`` and ``danceability``
    are mixtape's own estimates (see :mod:`mixtape.audio.measure`), not Spotify's.
    """

    path: str
    tags: Tags
    #: The whole file's length, even when only an excerpt was analysed.
    duration_s: float
    tempo: float | None
    key: int | None
    mode: int | None
    #: Integrated loudness (BS.1770) in LUFS, on Spotify's −60..0 dB scale.
    loudness: float
    time_signature: int | None
    energy: float
    danceability: float
    #: float32, ``(SONIC_DIM,)``: see :mod:`mixtape.audio.embedding`.
    embedding: np.ndarray
    #: The stretch analysed: start and length in seconds.
    excerpt_start_s: float
    excerpt_s: float
    #: "soundfile" or "ffmpeg".
    decoder: str
    analyser: str = ANALYSER

    def features(self) -> dict[str, float | int | None]:
        """The ``local_features`` columns (Spotify's names; valence and the rest absent)."""
        return {
            "danceability": self.danceability,
            "energy": self.energy,
            "key": self.key,
            "loudness": self.loudness,
            "mode": self.mode,
            "tempo": self.tempo,
            "duration_ms": round(self.duration_s * 1000),
            "time_signature": self.time_signature,
        }

    def embedding_bytes(self) -> bytes:
        """The embedding as ``sonic_embeddings.vector`` stores it (little-endian float32)."""
        return to_bytes(self.embedding)


def analyse(path: Path, *, max_seconds: float = MAX_SECONDS, root: Path | None = None) -> Analysis:
    """Tags, features and the sonic embedding of the audio file at ``path``.

    At most ``max_seconds`` from the middle of the file are decoded and analysed; the
    duration is the whole file's.  Missing tags are filled from the path (relative to
    ``root`` when given: ``Artist/Album/01 - Title.ext``).  Raises :class:`AudioError`
    (and nothing else) for a file that cannot be read or decoded.
    """
    from librosa.util.exceptions import LibrosaError
    from threadpoolctl import threadpool_limits

    path = Path(path)
    excerpt = read_excerpt(path, max_seconds)
    tags = _tags(path, root)
    try:
        with threadpool_limits(limits=1), warnings.catch_warnings():
            # A file of a few seconds is shorter than the constant-Q transform's lowest
            # filters, and silence has no pitch to tune to (the tuning is then 0): librosa
            # says so, and the analysis of what there is stands.
            for message in ("n_fft=.* is too large", "Trying to estimate tuning from empty"):
                warnings.filterwarnings("ignore", message=message, category=UserWarning)
            return _analyse_excerpt(path, excerpt, tags)
    except (LibrosaError, ValueError, ArithmeticError, MemoryError, RuntimeError) as exc:
        raise AudioError(str(path), f"analysis failed ({short_reason(exc)})") from None


def warm_up() -> None:
    """Analyse three seconds of a synthesized chord, so that librosa's numba functions
    are compiled into their disk cache now (``./run`` calls this after installing).

    librosa caches its compiled functions beside its own files.  Processes that compile
    the same gufunc at once can read each other's half-written cache and crash (numba
    issue 10128): two ingests, or test workers, started on a fresh install.
    """
    import tempfile

    import soundfile

    rate = 22_050
    t = np.arange(3 * rate) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 4
    beat = (np.sin(2 * np.pi * 2 * t) > 0.9).astype(float) * 0.3  # a steady pulse
    with tempfile.TemporaryDirectory(prefix="mixtape-warm-") as folder:
        path = Path(folder) / "warm.wav"
        soundfile.write(path, (chord + beat).astype(np.float32), rate)
        analyse(path)


def _tags(path: Path, root: Path | None) -> Tags:
    try:
        tags = read_tags(path)
    except AudioError:  # tinytag cannot parse what a decoder could: names from the path
        tags = Tags()
    return tags.merged(names_from_path(path, root))


def _analyse_excerpt(path: Path, excerpt: Excerpt, tags: Tags) -> Analysis:
    import librosa

    sr = measure.SAMPLE_RATE
    loudness = measure.loudness(excerpt.samples, excerpt.sample_rate)
    y = excerpt.samples.mean(axis=1)
    if excerpt.sample_rate != sr:
        y = librosa.resample(y, orig_sr=excerpt.sample_rate, target_sr=sr, res_type="soxr_hq")
    heard = len(y) / sr
    y = np.pad(np.asarray(y, dtype=np.float32), (0, max(0, measure.N_FFT - len(y))))

    magnitude = np.abs(librosa.stft(y, n_fft=measure.N_FFT, hop_length=measure.HOP))
    power = magnitude**2
    log_mel = librosa.power_to_db(librosa.feature.melspectrogram(S=power, sr=sr, n_mels=64))
    onset_env = librosa.onset.onset_strength(S=log_mel, sr=sr)
    bass = int(measure.BASS_HZ * measure.N_FFT / sr) + 1
    levels = np.stack([power.sum(axis=0), power[1:bass].sum(axis=0)])
    rhythm = measure.rhythm(onset_env, 10 * np.log10(levels + 1e-10), len(y) / sr)
    found_key, chroma = _key_and_chroma(y, magnitude, heard)
    timbre, shape = _timbre(magnitude, log_mel), _spectral_shape(magnitude, y)
    del power
    energy = measure.energy_estimate(
        loudness, rhythm.onset_rate, shape.pop("brightness"), timbre.pop("dynamic_range")
    )
    danceability = measure.danceability_estimate(rhythm)
    embedding = assemble(
        {
            **timbre,
            "chroma_mean": chroma.mean(axis=1),
            "chroma_std": chroma.std(axis=1),
            **shape,
            "onset_rate": rhythm.onset_rate / 10,
            "onset_strength": np.array([onset_env.mean(), onset_env.std()]) / 10,
            "tempo": (rhythm.tempo or 0.0) / 200,
            "pulse_clarity": rhythm.pulse_clarity,
            "beat_strength": rhythm.beat_strength,
            "loudness": loudness / 60,
            "energy": energy,
            "danceability": danceability,
            "key_clarity": found_key.clarity,
        }
    )
    return Analysis(
        path=str(path),
        tags=tags,
        duration_s=excerpt.duration_s,
        tempo=None if rhythm.tempo is None else round(rhythm.tempo, 3),
        key=found_key.key,
        mode=found_key.mode,
        loudness=round(loudness, 3),
        time_signature=rhythm.time_signature,
        energy=round(energy, 4),
        danceability=round(danceability, 4),
        embedding=embedding,
        excerpt_start_s=excerpt.start_s,
        excerpt_s=len(excerpt.samples) / excerpt.sample_rate,
        decoder=excerpt.decoder,
    )


def _key_and_chroma(
    y: np.ndarray, magnitude: np.ndarray, heard_s: float
) -> tuple[measure.Key, np.ndarray]:
    """The key and the constant-Q chroma it comes from (each frame scaled to a maximum of
    1), over :data:`measure.CHROMA_OCTAVES` octaves from C3."""
    import librosa

    sr = measure.SAMPLE_RATE
    # The tuning (a recording's offset from A440) from every fourth STFT frame: as good
    # as all of them for a whole excerpt, at a quarter of the cost.
    tuning = librosa.estimate_tuning(S=magnitude[:, ::4], sr=sr, n_fft=measure.N_FFT)
    chroma = librosa.feature.chroma_cqt(
        y=y,
        sr=sr,
        hop_length=measure.CHROMA_HOP,
        tuning=float(tuning),
        fmin=librosa.note_to_hz(measure.CHROMA_FROM),
        n_octaves=measure.CHROMA_OCTAVES,
    )
    found = measure.key(chroma) if heard_s >= measure.KEY_MIN_SECONDS else measure.NO_KEY
    return found, chroma


def _timbre(magnitude: np.ndarray, log_mel: np.ndarray) -> dict[str, Any]:
    """MFCC, spectral contrast and frame levels (embedding parts), plus the dynamic range
    (dB) that energy needs."""
    import librosa

    sr = measure.SAMPLE_RATE
    mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=N_MFCC)
    contrast = librosa.feature.spectral_contrast(S=magnitude, sr=sr)
    rms_db = librosa.amplitude_to_db(librosa.feature.rms(S=magnitude)[0], ref=1.0, top_db=None)
    rms_db = np.maximum(rms_db, -100.0)
    audible = rms_db[rms_db > rms_db.max() - 60]  # the spread of what is heard, not of silence
    return {
        "mfcc_mean": mfcc.mean(axis=1) / 100,
        "mfcc_std": mfcc.std(axis=1) / 100,
        "contrast_mean": contrast.mean(axis=1) / 50,
        "contrast_std": contrast.std(axis=1) / 50,
        "rms_db": np.array([rms_db.mean(), rms_db.std()]) / 60,
        "dynamic_range": float(audible.std()),
    }


def _spectral_shape(magnitude: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Centroid, bandwidth and roll-off as fractions of the Nyquist frequency, flatness and
    zero-crossing rate (embedding parts), plus the brightness energy needs (the mean
    centroid over 4 kHz)."""
    import librosa

    sr, nyquist = measure.SAMPLE_RATE, measure.SAMPLE_RATE / 2
    centroid = librosa.feature.spectral_centroid(S=magnitude, sr=sr)
    bandwidth = librosa.feature.spectral_bandwidth(S=magnitude, sr=sr, centroid=centroid)
    return {
        "centroid": np.array([centroid.mean(), centroid.std()]) / nyquist,
        "bandwidth": bandwidth.mean() / nyquist,
        "rolloff": librosa.feature.spectral_rolloff(S=magnitude, sr=sr).mean() / nyquist,
        "flatness": librosa.feature.spectral_flatness(S=magnitude).mean(),
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(y, hop_length=measure.HOP).mean(),
        "brightness": float(centroid.mean()) / 4000.0,
    }
