"""Decoding a bounded excerpt of an audio file: libsndfile first, ffmpeg for the rest.

soundfile (libsndfile >= 1.1) reads WAV, AIFF, FLAC, Ogg Vorbis, Opus and MP3; what it
cannot open (M4A/AAC, odd MP3s, WMA...) goes through ffmpeg when it is installed.  Only
the excerpt is read (soundfile seeks to it; ffmpeg gets ``-ss``/``-t``), so memory stays
bounded on hour-long files, while the full duration comes from the file's header.
Every failure becomes an :class:`~mixtape.errors.AudioError` naming the file and why.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mixtape.errors import AudioError

#: Extensions libsndfile decodes here (an MP3 needs libsndfile >= 1.1).
SOUNDFILE_EXTENSIONS = frozenset(
    {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff"}
)
#: Seconds ffmpeg/ffprobe may take before a file is given up (a stuck decoder never hangs us).
FFMPEG_TIMEOUT_S = 120.0
CANNOT_DECODE = "not an audio file libsndfile or ffmpeg can decode"
#: Sample rates believed from a header; others (a corrupt header) go to ffmpeg, which
#: is asked for at most MAX_RATE.
MIN_RATE, MAX_RATE = 1000, 384_000


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Samples of one stretch of a file, as float32 ``(frames, channels)`` (1 or 2 channels)."""

    samples: np.ndarray
    sample_rate: int
    #: Where the excerpt starts in the file, in seconds.
    start_s: float
    #: The whole file's length in seconds (from its header), not the excerpt's.
    duration_s: float
    #: "soundfile" or "ffmpeg".
    decoder: str


def check_file(path: Path) -> os.stat_result:
    """The file's ``stat`` after checking it is a non-empty regular file we may read."""
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AudioError(name, "no such file") from None
    except PermissionError:
        raise AudioError(name, "permission denied") from None
    except OSError as exc:  # ELOOP: a symlink loop; ENAMETOOLONG ...
        raise AudioError(name, _os_reason(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise AudioError(name, "is a directory")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the decoder forever
        raise AudioError(name, "not a regular file")
    if info.st_size == 0:
        raise AudioError(name, "empty file")
    if not os.access(path, os.R_OK):
        raise AudioError(name, "permission denied")
    return info


@contextlib.contextmanager
def _c_stderr_silenced() -> Iterator[None]:
    """Silence what C libraries print straight to file descriptor 2 (libsndfile's MP3
    decoder, mpg123, writes "Note: Illegal Audio-MPEG-Header ..." for damaged files),
    which would tear a progress bar apart; the reason a file fails reaches the user as
    its one summary line instead.  Python's own writes to ``sys.stderr`` in the meantime
    (a progress bar's refresh) are lost for that moment only."""
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 at all: nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def read_excerpt(path: Path, max_seconds: float) -> Excerpt:
    """Up to ``max_seconds`` from the middle of ``path`` (all of it when shorter)."""
    check_file(path)
    with _c_stderr_silenced():
        return _read_excerpt(path, max_seconds)


def _read_excerpt(path: Path, max_seconds: float) -> Excerpt:
    import soundfile

    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError):
        return _read_with_ffmpeg(path, max_seconds)
    if info.frames <= 0 or not MIN_RATE <= info.samplerate <= MAX_RATE:
        return _read_with_ffmpeg(path, max_seconds)
    total = int(info.frames)
    wanted = min(total, max(1, int(max_seconds * info.samplerate)))
    start = (total - wanted) // 2
    try:
        with soundfile.SoundFile(str(path)) as sound:
            if start:
                sound.seek(start)
            if sound.channels <= 2:
                data = sound.read(wanted, dtype="float32", always_2d=True)
            else:  # block by block, keeping two: 16 channels cost what stereo does
                blocks = sound.blocks(1 << 16, frames=wanted, dtype="float32", always_2d=True)
                data = np.concatenate([block[:, :2].copy() for block in blocks])
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        failed = f"{CANNOT_DECODE} ({short_reason(exc)})"
    else:
        failed = "" if len(data) else "no audio frames where its header says they are"
    if failed:  # a truncated file, a header that lies: ffmpeg decodes what is there
        if ffmpeg_available():
            return _read_with_ffmpeg(path, max_seconds)
        raise AudioError(str(path), failed)
    return Excerpt(
        samples=_two_channels(data),
        sample_rate=int(info.samplerate),
        start_s=start / info.samplerate,
        duration_s=total / info.samplerate,
        decoder="soundfile",
    )


def ffmpeg_available() -> bool:
    """Whether ``ffmpeg`` and ``ffprobe`` are on the PATH."""
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def _read_with_ffmpeg(path: Path, max_seconds: float) -> Excerpt:
    name = str(path)
    if not ffmpeg_available():
        suffix = path.suffix.lower()
        if suffix in SOUNDFILE_EXTENSIONS:
            raise AudioError(
                name,
                "not an audio file libsndfile can decode (ffmpeg, which may, is not installed)",
            )
        raise AudioError(
            name,
            f"ffmpeg is needed to decode {suffix or 'such'} files and is not installed",
            hint="install ffmpeg (Debian/Ubuntu: apt install ffmpeg) and run again",
        )
    duration, rate, channels = _probe(path)
    length = min(duration, max_seconds) if duration > 0 else max_seconds
    start = max(0.0, (duration - length) / 2) if duration > 0 else 0.0
    channels, rate = min(channels, 2), min(rate, MAX_RATE)
    command = [
        "ffmpeg", "-nostdin", "-v", "error", "-threads", "1",
        "-ss", f"{start:.3f}", "-t", f"{length:.3f}", "-i", str(path),
        "-map", "0:a:0", "-f", "f32le", "-ac", str(channels), "-ar", str(rate), "-",
    ]  # fmt: skip
    done = _run(command, name)
    data = np.frombuffer(done.stdout, dtype="<f4")
    data = data[: len(data) - len(data) % channels].reshape(-1, channels)
    if len(data) == 0 and start > 0:
        raise AudioError(
            name, f"truncated: no audio at {start:.0f} s of the {duration:.0f} s its header says"
        )
    if len(data) == 0:
        raise AudioError(name, f"{CANNOT_DECODE} (ffmpeg decoded no audio)")
    if duration <= 0:  # a stream without a length in its header: what was decoded
        duration = len(data) / rate
    return Excerpt(
        samples=_two_channels(np.array(data, dtype=np.float32)),
        sample_rate=rate,
        start_s=start,
        duration_s=duration,
        decoder="ffmpeg",
    )


def _probe(path: Path) -> tuple[float, int, int]:
    """(duration seconds or 0 when unknown, sample rate, channels) of the first audio stream."""
    command = [
        "ffprobe", "-v", "error", "-select_streams", "a:0", "-of", "json",
        "-show_entries", "stream=sample_rate,channels,duration:format=duration", str(path),
    ]  # fmt: skip
    done = _run(command, str(path))
    try:
        probed = json.loads(done.stdout or b"{}")
        stream = probed["streams"][0]
        rate, channels = int(stream["sample_rate"]), int(stream["channels"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise AudioError(str(path), CANNOT_DECODE) from None
    duration = 0.0
    for source in (stream, probed.get("format", {})):
        try:
            duration = duration or float(source.get("duration", 0) or 0)
        except (TypeError, ValueError):
            continue
    if rate < MIN_RATE or channels <= 0:
        raise AudioError(str(path), CANNOT_DECODE)
    return duration, rate, channels


def _run(command: list[str], name: str) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFMPEG_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(name, f"{command[0]} took over {FFMPEG_TIMEOUT_S:.0f} s") from None
    except OSError as exc:
        raise AudioError(name, f"cannot run {command[0]} ({short_reason(exc)})") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f" ({detail[-1][:120]})" if detail else ""
        raise AudioError(name, f"{CANNOT_DECODE}{reason}")
    return done


def _two_channels(data: np.ndarray) -> np.ndarray:
    """Mono and stereo as they are; more channels: the front left and right (L, R)."""
    return np.ascontiguousarray(data[:, :2], dtype=np.float32)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return (exc.strerror or type(exc).__name__).lower()


def short_reason(exc: BaseException) -> str:
    """The first line of an exception's message (its class name when it has none), cut."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]
