"""What is measured from the signal: loudness, rhythm (tempo, beats, metre) and key.

Every function takes mono float32 samples at :data:`SAMPLE_RATE` (loudness: the file's
own channels and rate) and returns plain numbers; librosa does the signal processing
(STFT, onset strength, the dynamic-programming beat tracker, constant-Q chroma),
pyloudnorm the ITU-R BS.1770-4 loudness.  docs/local-audio.md says how each compares
with Spotify's definitions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The working sample rate: enough for rhythm, key and timbre, half the cost of 44.1 kHz.
SAMPLE_RATE = 22050
#: STFT hop (23 ms at 22.05 kHz) and window.
HOP = 512
N_FFT = 2048
#: Chroma for the key needs no time detail: a coarser hop makes the CQT four times cheaper.
CHROMA_HOP = 2048
#: Tempi are folded (doubled or halved) into this range, in BPM.
TEMPO_RANGE = (70.0, 180.0)
#: Spotify's loudness scale, in dB (LUFS for us).
LOUDNESS_RANGE = (-60.0, 0.0)

# Krumhansl & Kessler's key profiles (probe-tone ratings), C major and C minor.
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


@dataclass(frozen=True, slots=True)
class Rhythm:
    """The beat and what is derived from it; tempo None when no steady beat was found."""

    tempo: float | None
    time_signature: int | None
    #: Onsets detected per second.
    onset_rate: float
    #: Autocorrelation of the onset strength at the beat period, 0..1: how clear the pulse is.
    pulse_clarity: float
    #: Onset strength on the beats over its mean, mapped to 0..1.
    beat_strength: float
    #: 1 minus the spread of the inter-beat intervals, 0..1.
    regularity: float


@dataclass(frozen=True, slots=True)
class Key:
    """Pitch class (0 = C ... 11 = B, Spotify's convention) and mode (1 major, 0 minor)."""

    key: int | None
    mode: int | None
    #: The best key profile's correlation with the chroma, 0..1 (0 without tonal content).
    clarity: float


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4, gated) in LUFS, clipped to Spotify's −60..0.

    ``samples`` is ``(frames, channels)``; a stereo file sums its channels' power as
    BS.1770 does.  Shorter than one 400 ms gating block: the K-weighted mean power.
    """
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    if len(samples) >= int(0.4 * rate) + 1:
        with np.errstate(divide="ignore"):
            value = float(meter.integrated_loudness(samples.astype(np.float64)))
    else:
        value = _ungated_loudness(samples)
    if not np.isfinite(value):
        return LOUDNESS_RANGE[0]
    return float(np.clip(value, *LOUDNESS_RANGE))


def _ungated_loudness(samples: np.ndarray) -> float:
    power = float(np.mean(samples.astype(np.float64) ** 2, axis=0).sum())
    return -0.691 + 10 * np.log10(power) if power > 0 else -np.inf


def rhythm(onset_env: np.ndarray, duration_s: float) -> Rhythm:
    """Tempo, metre and pulse descriptors from an onset-strength envelope (hop :data:`HOP`)."""
    import librosa

    frames_per_s = SAMPLE_RATE / HOP
    onsets = librosa.onset.onset_detect(
        onset_envelope=onset_env, sr=SAMPLE_RATE, hop_length=HOP, units="frames"
    )
    onset_rate = len(onsets) / duration_s if duration_s > 0 else 0.0
    if len(onset_env) < 4 or not np.any(onset_env > 0):
        return Rhythm(None, None, onset_rate, 0.0, 0.0, 0.0)
    raw_tempo, beats = librosa.beat.beat_track(
        onset_envelope=onset_env, sr=SAMPLE_RATE, hop_length=HOP, units="frames"
    )
    tempo = float(np.atleast_1d(raw_tempo)[0])
    if len(beats) < 4 or tempo <= 0:
        return Rhythm(None, None, onset_rate, 0.0, 0.0, 0.0)
    intervals = np.diff(beats).astype(np.float64)
    tempo = _refined_tempo(beats, tempo, frames_per_s)
    period = 60.0 * frames_per_s / tempo
    regularity = float(np.clip(1.0 - 5.0 * intervals.std() / intervals.mean(), 0.0, 1.0))
    strength = float(onset_env[beats].mean() / max(float(onset_env.mean()), 1e-9))
    return Rhythm(
        tempo=fold_tempo(tempo),
        time_signature=time_signature(onset_env, beats),
        onset_rate=onset_rate,
        pulse_clarity=_pulse_clarity(onset_env, period),
        beat_strength=float(np.clip((strength - 1.0) / 2.0, 0.0, 1.0)),
        regularity=regularity,
    )


def fold_tempo(bpm: float) -> float:
    """Double or halve ``bpm`` into :data:`TEMPO_RANGE` (a tracker's 48 BPM is 96)."""
    low, high = TEMPO_RANGE
    while bpm < low:
        bpm *= 2.0
    while bpm > high:
        bpm /= 2.0
    return bpm


def _refined_tempo(beats: np.ndarray, tempo: float, frames_per_s: float) -> float:
    """The beat period fitted to the beat times: finer than the tempogram's lag grid.

    librosa's estimate picks a lag (a whole number of frames: ±2 BPM near 100 BPM);
    a least-squares line through the tracked beats' frame numbers resolves the period
    to a fraction of a frame.  Kept only when it agrees with the estimate within 5%
    (a tracker that drifted between two tempi keeps the estimate).
    """
    index = np.arange(len(beats), dtype=np.float64)
    slope = float(np.polyfit(index, beats.astype(np.float64), 1)[0])
    if slope <= 0:
        return tempo
    fitted = 60.0 * frames_per_s / slope
    return fitted if abs(fitted - tempo) <= 0.05 * tempo else tempo


def _pulse_clarity(onset_env: np.ndarray, period_frames: float) -> float:
    """The onset envelope's normalized autocorrelation at the beat period (best within ±1 frame)."""
    centred = onset_env - onset_env.mean()
    energy = float(np.dot(centred, centred))
    lag = round(period_frames)
    if energy <= 0 or lag < 1 or lag + 1 >= len(centred):
        return 0.0
    values = [
        float(np.dot(centred[:-k], centred[k:])) / energy for k in (lag - 1, lag, lag + 1) if k >= 1
    ]
    return float(np.clip(max(values), 0.0, 1.0))


def time_signature(onset_env: np.ndarray, beats: np.ndarray) -> int | None:
    """3 or 4 from the accent pattern of the beats; None when neither stands out.

    The onset strength summed over each beat's span gives one accent per beat; its
    autocorrelation at a lag of 3 and of 4 beats says which bar length repeats.
    Music without accents (or fewer than 16 beats) gives None, as does a tie.
    """
    if len(beats) < 16:
        return None
    accents = np.add.reduceat(onset_env, beats)[:-1]
    accents = accents - accents.mean()
    energy = float(np.dot(accents, accents))
    if energy <= 0:
        return None
    corr = {lag: float(np.dot(accents[:-lag], accents[lag:])) / energy for lag in (3, 4)}
    best = max(corr, key=lambda lag: corr[lag])
    other = 7 - best
    if corr[best] < 0.15 or corr[best] - corr[other] < 0.1:
        return None
    return best


def key(chroma: np.ndarray) -> Key:
    """Krumhansl–Schmuckler: the key profile best correlated with the mean chroma."""
    profile = chroma.mean(axis=1) if chroma.ndim == 2 else chroma
    if not np.all(np.isfinite(profile)) or np.ptp(profile) <= 1e-9:
        return Key(None, None, 0.0)
    best = (-2.0, 0, 1)
    for mode, template in ((1, _MAJOR), (0, _MINOR)):
        for tonic in range(12):
            r = float(np.corrcoef(profile, np.roll(template, tonic))[0, 1])
            if r > best[0]:
                best = (r, tonic, mode)
    clarity, tonic, mode = best
    return Key(tonic, mode, float(np.clip(clarity, 0.0, 1.0)))


def energy_estimate(
    loudness_db: float, onset_rate: float, brightness: float, dynamic_range_db: float
) -> float:
    """Energy 0..1: an estimate of Spotify's "intensity and activity", not Spotify's value.

    A weighted sum of four terms, each mapped to 0..1: loudness (−30 LUFS → 0, −5 → 1;
    weight 0.45), onsets per second (0 → 0, 8 → 1; 0.2), brightness — the spectral
    centroid as a fraction of 4 kHz (0.2), and compression — 1 minus the frame-level
    RMS spread in dB over 20 dB (0.15).
    """
    terms = (
        (0.45, (loudness_db + 30.0) / 25.0),
        (0.20, onset_rate / 8.0),
        (0.20, brightness),
        (0.15, 1.0 - dynamic_range_db / 20.0),
    )
    return _weighted(terms)


def danceability_estimate(tempo: float | None, rhythm_: Rhythm) -> float:
    """Danceability 0..1: an estimate of Spotify's "suitable for dancing", not Spotify's value.

    A weighted sum of pulse clarity (0.35), beat strength (0.25), regularity of the
    beat (0.2) and how close the tempo is to 120 BPM (a Gaussian, σ = 30 BPM; 0.2).
    Without a steady beat, danceability is low by construction.
    """
    tempo_fit = float(np.exp(-0.5 * ((tempo - 120.0) / 30.0) ** 2)) if tempo else 0.0
    terms = (
        (0.35, rhythm_.pulse_clarity),
        (0.25, rhythm_.beat_strength),
        (0.20, rhythm_.regularity),
        (0.20, tempo_fit),
    )
    return _weighted(terms)


def _weighted(terms: tuple[tuple[float, float], ...]) -> float:
    return float(sum(weight * float(np.clip(value, 0.0, 1.0)) for weight, value in terms))
