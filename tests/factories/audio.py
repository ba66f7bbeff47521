"""Synthesized audio for the tests: click tracks, chords, tones, a drum groove; files with tags.

Nothing is committed: each generator returns float32 samples, :func:`write` saves them
with soundfile and :func:`encode` turns a WAV into MP3/Ogg/FLAC/M4A with ffmpeg (tags
written with ``-metadata``).  Short by default: a few seconds to tens of seconds.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile

from mixtape.audio import Analysis, analyse

RATE = 22050


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def click_track(
    bpm: float, seconds: float, *, accent_every: int | None = None, rate: int = RATE
) -> np.ndarray:
    """A 1 kHz click on every beat; with ``accent_every``, the other beats 8 dB softer."""
    samples = np.zeros(int(rate * seconds), dtype=np.float32)
    t = np.arange(int(0.03 * rate)) / rate
    click = (np.sin(2 * np.pi * 1000 * t) * np.exp(-t * 150)).astype(np.float32)
    for i, beat in enumerate(np.arange(0.0, seconds - 0.05, 60.0 / bpm)):
        gain = 1.0 if accent_every is None or i % accent_every == 0 else 0.4
        start = int(beat * rate)
        end = min(len(samples), start + len(click))
        samples[start:end] += 0.5 * gain * click[: end - start]
    return samples


def tone(hz: float, seconds: float, *, rms_dbfs: float = -20.0, rate: int = RATE) -> np.ndarray:
    """A steady sine whose RMS is ``rms_dbfs`` dB below full scale."""
    t = np.arange(int(rate * seconds)) / rate
    wave = np.sin(2 * np.pi * hz * t)
    return (wave * 10 ** (rms_dbfs / 20) * np.sqrt(2)).astype(np.float32)


def chords(
    progression: list[list[int]], *, seconds_each: float = 2.0, repeats: int = 2, rate: int = RATE
) -> np.ndarray:
    """Each chord (MIDI notes) struck and decaying, four harmonics per note, in turn."""
    t = np.arange(int(seconds_each * rate)) / rate
    envelope = np.minimum(1.0, t * 50) * np.exp(-t * 1.5)

    def chord(notes: list[int]) -> np.ndarray:
        return sum(
            (
                np.sin(2 * np.pi * midi_hz(n) * h * t) / h
                for n in notes
                for h in range(1, 5)
                if midi_hz(n) * h < rate / 2
            ),
            np.zeros_like(t),
        )

    one_pass = np.concatenate([chord(notes) * envelope for notes in progression])
    return (0.1 * np.tile(one_pass, repeats)).astype(np.float32)


#: i - iv - V7 - i in F sharp minor (bass note first).
F_SHARP_MINOR = [[42, 54, 57, 61], [47, 59, 62, 66], [49, 61, 65, 68, 71], [42, 54, 57, 61]]
#: I - IV - V - I in C major.
C_MAJOR = [[48, 60, 64, 67], [53, 65, 69, 72], [55, 67, 71, 74], [48, 60, 64, 67]]


def groove(bpm: float, seconds: float, *, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Kick on 1 and 3, snare on 2 and 4, hi-hat on every eighth: a dance groove."""
    rng = np.random.default_rng(seed)
    samples = np.zeros(int(rate * seconds), dtype=np.float64)

    def decay(length_s: float, rate_per_s: float) -> np.ndarray:
        return np.exp(-np.arange(int(length_s * rate)) / rate * rate_per_s)

    k = np.arange(int(0.25 * rate)) / rate
    kick = np.sin(2 * np.pi * (50 + 100 * np.exp(-k * 30)) * k) * decay(0.25, 12)
    snare = rng.normal(0, 0.5, int(0.2 * rate)) * decay(0.2, 25)
    hat = rng.normal(0, 0.15, int(0.05 * rate)) * decay(0.05, 80)
    for i, start_s in enumerate(np.arange(0.0, seconds - 0.3, 30.0 / bpm)):
        start = int(start_s * rate)
        hits = [hat] + ([kick if i % 4 == 0 else snare] if i % 2 == 0 else [])
        for hit in hits:
            samples[start : start + len(hit)] += hit
    return (0.8 * samples / np.abs(samples).max()).astype(np.float32)


def noise(seconds: float, *, seed: int = 0, level: float = 0.1, rate: int = RATE) -> np.ndarray:
    return (np.random.default_rng(seed).normal(0, level, int(rate * seconds))).astype(np.float32)


def write(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """``samples`` saved with soundfile (format from the extension); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, samples, rate)
    return path


def has_ffmpeg() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def encode(source: Path, target: Path, metadata: dict[str, str] | None = None) -> Path:
    """``source`` re-encoded by ffmpeg into ``target``'s format, with ``metadata`` tags."""
    tags = [
        arg for key, value in (metadata or {}).items() for arg in ("-metadata", f"{key}={value}")
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *tags, str(target)],
        check=True,
        timeout=120,
    )
    return target


def long_sine_flac(target: Path, seconds: int) -> Path:
    """A long, cheap file: ffmpeg's sine generator straight to an 8 kHz mono FLAC."""
    source = f"sine=frequency=440:sample_rate=8000:duration={seconds}"
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", source]
    subprocess.run([*command, "-ac", "1", str(target)], check=True, timeout=120)
    return target


class Synth:
    """Generated audio files, each written once on first use, and their analyses, cached.

    One per test session (``synth`` fixture in ``tests/audio/conftest.py``); read-only
    for the tests: never modify a file it returns.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._makers = {
            "click97.wav": lambda: click_track(97, 12),
            "waltz.wav": lambda: click_track(120, 12, accent_every=3),
            "march.wav": lambda: click_track(120, 12, accent_every=4),
            "f_sharp_minor.wav": lambda: chords(F_SHARP_MINOR),
            "c_major.wav": lambda: chords(C_MAJOR),
            "tone.wav": lambda: tone(997, 6, rms_dbfs=-14),
            "quiet_tone.wav": lambda: tone(220, 6, rms_dbfs=-35),
            "f_sharp_minor_drums.wav": lambda: chords(F_SHARP_MINOR) + 3 * groove(124, 16),
            "groove.wav": lambda: groove(124, 12),
            "groove_b.wav": lambda: groove(122, 12, seed=1),
            "noise.wav": lambda: noise(8),
        }
        self._analyses: dict[str, Analysis] = {}

    def path(self, name: str) -> Path:
        """The file ``name`` (one of the generators' names), written on first use."""
        target = self.folder / name
        if not target.exists():
            write(target, self._makers[name]())
        return target

    def analysis(self, name: str) -> Analysis:
        """``mixtape.audio.analyse`` of the file ``name``, computed once."""
        if name not in self._analyses:
            self._analyses[name] = analyse(self.path(name))
        return self._analyses[name]
