"""What is measured from the signal: loudness, rhythm (tempo, beats, metre) and key.

The functions take what :mod:`mixtape.audio.analysis` computed from the excerpt at
:data:`SAMPLE_RATE` (an onset envelope, band levels, chroma) or, for loudness, the
file's own samples and rate, and return plain numbers; librosa does the signal
processing (STFT, onset strength, the dynamic-programming beat tracker, constant-Q
chroma), pyloudnorm the ITU-R BS.1770-4 loudness.  docs/local-audio.md says how each
compares with Spotify's definitions.
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
#: Chroma from C3 (131 Hz) over 5 octaves: below C3 kick drums swamp the pitch classes
#: (with C1, a synthesized song's best key correlation fell from 0.84 to 0.35).
CHROMA_FROM, CHROMA_OCTAVES = "C3", 5
#: Tempi are folded (doubled or halved) into this range, in BPM.
TEMPO_RANGE = (70.0, 180.0)
#: Spotify's loudness scale, in dB (LUFS for us).
LOUDNESS_RANGE = (-60.0, 0.0)
#: The least correlation with a key profile that names a key.
KEY_MIN_CLARITY = 0.5
#: Shorter excerpts have no key (a blip's chroma is its spectrum's ripple).
KEY_MIN_SECONDS = 2.0
#: Fewer beats than this (or half as many onsets) in the excerpt: no tempo.
MIN_BEATS = 8
#: Onset strength (mean rise in dB over the mel bands) an onset needs to be counted.
ONSET_MIN = 2.0
#: The bass band whose accents may mark the bar (a kick drum), in Hz.
BASS_HZ = 200.0
#: How much louder (dB) a bar's accented beat must be, on average, to name a metre.
ACCENT_DB = 1.0

# Krumhansl & Kessler's key profiles (probe-tone ratings), C major and C minor.
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


@dataclass(frozen=True, slots=True)
class Rhythm:
    """The beat and what is derived from it; tempo None when no steady beat was found."""

    #: BPM folded into :data:`TEMPO_RANGE`.
    tempo: float | None
    time_signature: int | None
    #: Onsets (of at least :data:`ONSET_MIN`) per second.
    onset_rate: float
    #: Autocorrelation of the onset strength at the beat period, 0..1: how clear the pulse is.
    pulse_clarity: float = 0.0
    #: The share of beats that fall on an onset, 0..1.
    beat_strength: float = 0.0
    #: 1 minus five times the inter-beat intervals' coefficient of variation, 0..1.
    regularity: float = 0.0
    #: The pulse the tracker followed, before folding (a chord every 2 s: 30 BPM).
    pulse_bpm: float | None = None


@dataclass(frozen=True, slots=True)
class Key:
    """Pitch class (0 = C ... 11 = B, Spotify's convention) and mode (1 major, 0 minor)."""

    key: int | None
    mode: int | None
    #: The best key profile's correlation with the chroma, 0..1 (0 without tonal content).
    clarity: float


#: What :func:`key` says of atonal signals.
NO_KEY = Key(None, None, 0.0)


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4, gated) in LUFS, clipped to Spotify's −60..0.

    ``samples`` is ``(frames, channels)``; a stereo file sums its channels' power as
    BS.1770 does.  Shorter than one 400 ms gating block: the K-weighted mean power.
    """
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    if len(samples) >= int(0.4 * rate) + 1:
        with np.errstate(divide="ignore"):
            # float32 halves the filters' time and changes the result by under 1e-6 dB.
            value = float(meter.integrated_loudness(samples.astype(np.float32, copy=False)))
    else:
        value = _ungated_loudness(samples)
    if not np.isfinite(value):
        return LOUDNESS_RANGE[0]
    return float(np.clip(value, *LOUDNESS_RANGE))


def _ungated_loudness(samples: np.ndarray) -> float:
    power = float(np.mean(samples.astype(np.float64) ** 2, axis=0).sum())
    return -0.691 + 10 * np.log10(power) if power > 0 else -np.inf


def rhythm(onset_env: np.ndarray, levels_db: np.ndarray, duration_s: float) -> Rhythm:
    """Tempo, metre and pulse descriptors from an onset-strength envelope and the frames'
    levels in dB per band (see :func:`time_signature`), both at hop :data:`HOP`."""
    import librosa

    frames_per_s = SAMPLE_RATE / HOP
    onsets = librosa.onset.onset_detect(
        onset_envelope=onset_env, sr=SAMPLE_RATE, hop_length=HOP, units="frames"
    )
    # onset_detect normalizes the envelope: a steady tone's ripples would count as onsets.
    onsets = onsets[onset_env[onsets] >= ONSET_MIN]
    onset_rate = len(onsets) / duration_s if duration_s > 0 else 0.0
    if len(onsets) < MIN_BEATS // 2:  # silence, a drone, noise: no beat to track
        return Rhythm(None, None, onset_rate)
    raw_tempo, beats = librosa.beat.beat_track(
        onset_envelope=onset_env, sr=SAMPLE_RATE, hop_length=HOP, units="frames"
    )
    tempo = float(np.atleast_1d(raw_tempo)[0])
    if len(beats) < MIN_BEATS or tempo <= 0:
        return Rhythm(None, None, onset_rate)
    intervals = np.diff(beats).astype(np.float64)
    tempo = _refined_tempo(beats, tempo, frames_per_s)
    near = np.abs(beats[:, None] - onsets[None, :]).min(axis=1) <= 2
    return Rhythm(
        tempo=fold_tempo(tempo),
        time_signature=time_signature(levels_db, beats),
        onset_rate=onset_rate,
        pulse_clarity=_pulse_clarity(onset_env, 60.0 * frames_per_s / tempo),
        beat_strength=float(near.mean()),
        regularity=float(np.clip(1.0 - 5.0 * intervals.std() / intervals.mean(), 0.0, 1.0)),
        pulse_bpm=tempo,
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


def time_signature(levels_db: np.ndarray, beats: np.ndarray) -> int | None:
    """3 or 4 from the accents of the beats; None when neither bar length stands out.

    ``levels_db`` holds frame levels in dB, one row per band (the whole spectrum, and
    the bass below :data:`BASS_HZ`, where a kick drum marks the bar).  A beat's accent
    in a band is its loudest frame within two frames of it.  Folding the accents into
    bars of 3 and of 4 beats, the bar length whose loudest position stands out most
    above the others (by at least :data:`ACCENT_DB`, and twice as much as the other
    bar length's) wins, in the band where a bar stands out most.  Accents every other
    beat fold into bars of 4.  Music without accents, or fewer than 12 beats: None.
    """
    if len(beats) < 12:
        return None
    padded = np.pad(np.atleast_2d(levels_db), ((0, 0), (2, 2)), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 5, axis=1)
    accents = windows.max(axis=2)[:, beats]  # (bands, beats)
    contrast = np.zeros((len(accents), 2))
    for column, bar in enumerate((3, 4)):
        whole = accents.shape[1] // bar * bar
        phases = np.sort(accents[:, :whole].reshape(len(accents), -1, bar).mean(axis=1))
        contrast[:, column] = phases[:, -1] - phases[:, :-1].mean(axis=1)
    band = int(contrast.max(axis=1).argmax())
    best = int(contrast[band].argmax())
    top, other = contrast[band, best], max(float(contrast[band, 1 - best]), 0.0)
    if top < ACCENT_DB or top < 2.0 * other:
        return None
    return (3, 4)[best]


def key(chroma: np.ndarray) -> Key:
    """Krumhansl–Schmuckler: the key profile best correlated with the mean chroma.

    None (Spotify's −1, "no key detected") when even the best correlation is below
    :data:`KEY_MIN_CLARITY`.
    """
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
    clarity = float(np.clip(clarity, 0.0, 1.0))
    if clarity < KEY_MIN_CLARITY:  # drums, noise: no profile fits
        return Key(None, None, clarity)
    return Key(tonic, mode, clarity)


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


def danceability_estimate(rhythm_: Rhythm) -> float:
    """Danceability 0..1: an estimate of Spotify's "suitable for dancing", not Spotify's value.

    How steady and strong the beat is — pulse clarity (weight 0.4), the share of beats
    on an onset (0.3), regularity of the beat (0.3) — times how danceable the tracked
    pulse's rate is: a Gaussian in octaves around 120 BPM (σ = one octave: 60 or 240
    BPM give 0.61, a chord every two seconds, 30 BPM, 0.14).  No beat: 0.
    """
    if rhythm_.pulse_bpm is None:
        return 0.0
    octaves = np.log2(rhythm_.pulse_bpm / 120.0)
    rate_fit = float(np.exp(-0.5 * octaves**2))
    steadiness = _weighted(
        (
            (0.4, rhythm_.pulse_clarity),
            (0.3, rhythm_.beat_strength),
            (0.3, rhythm_.regularity),
        )
    )
    return rate_fit * steadiness


def _weighted(terms: tuple[tuple[float, float], ...]) -> float:
    return float(sum(weight * float(np.clip(value, 0.0, 1.0)) for weight, value in terms))
