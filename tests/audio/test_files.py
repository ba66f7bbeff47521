"""Bad files fail with one clear line; formats decode; long files stay bounded; pool-safe."""

from __future__ import annotations

import os
import pickle
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from mixtape.audio import AUDIO_EXTENSIONS, SONIC_DIM, Tags, analyse, read_tags
from mixtape.audio.decode import read_excerpt
from mixtape.errors import AudioError, MixtapeError
from tests.factories.audio import Synth, encode, long_sine_flac, write


def failure(path: Path) -> str:
    with pytest.raises(AudioError) as raised:
        analyse(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return raised.value.reason


def test_corrupt_bytes_are_not_audio(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.flac"
    corrupt.write_bytes(b"fLaC" + np.random.default_rng(0).bytes(5000))
    assert failure(corrupt).startswith("not an audio file libsndfile")


def test_a_damaged_mp3_prints_nothing_past_its_one_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # libsndfile's MP3 decoder (mpg123) writes notes straight to file descriptor 2, which
    # would tear an ingest's progress bar apart; the failure's reason is the one line.
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(b"ID3" + b"\x00" * 150 + np.random.default_rng(1).bytes(4000))
    assert failure(damaged)
    assert capfd.readouterr().err == ""


def test_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.touch()
    assert failure(empty) == "empty file"


def test_a_directory_named_like_a_song(tmp_path: Path) -> None:
    folder = tmp_path / "x.mp3"
    folder.mkdir()
    assert failure(folder) == "is a directory"


def test_a_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop.mp3"
    loop.symlink_to(tmp_path / "loop.mp3")
    assert failure(loop) == "symlink loop"


def test_a_missing_file(tmp_path: Path) -> None:
    assert failure(tmp_path / "gone.ogg") == "no such file"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    assert failure(fifo) == "not a regular file"


def test_an_unreadable_file(synth: Synth, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.wav"
    locked.write_bytes(synth.path("tone.wav").read_bytes())
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads any file: let the check see what a user would
        monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)
    assert failure(locked) == "permission denied"


def test_tags_of_what_is_not_audio(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("not music\n")
    assert read_tags(text) == Tags()  # no tags: the decoder is the one to refuse it
    assert failure(text).startswith("not an audio file libsndfile")
    with pytest.raises(AudioError, match="cannot read its tags"):
        read_tags(tmp_path)


def test_without_ffmpeg_an_m4a_says_ffmpeg_is_needed(
    synth: Synth, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    m4a = tmp_path / "song.m4a"
    m4a.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(200))
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert failure(m4a) == "ffmpeg is needed to decode .m4a files and is not installed"


@pytest.mark.usefixtures("ffmpeg")
@pytest.mark.parametrize(
    ("suffix", "decoder"),
    [(".mp3", "soundfile"), (".ogg", "soundfile"), (".opus", "soundfile"), (".m4a", "ffmpeg")],
)
def test_encoded_formats_decode_and_measure_alike(
    synth: Synth, tmp_path: Path, suffix: str, decoder: str
) -> None:
    assert suffix in AUDIO_EXTENSIONS
    encoded = encode(synth.path("click97.wav"), tmp_path / f"click{suffix}")
    found = analyse(encoded)
    assert found.decoder == decoder
    assert found.tempo == pytest.approx(97, abs=2)
    assert found.duration_s == pytest.approx(12, abs=0.1)
    assert found.loudness == pytest.approx(synth.analysis("click97.wav").loudness, abs=1)


@pytest.mark.usefixtures("ffmpeg")
def test_ffmpeg_reads_only_the_excerpt_and_knows_the_whole_length(
    synth: Synth, tmp_path: Path
) -> None:
    m4a = encode(synth.path("tone.wav"), tmp_path / "tone.m4a")
    excerpt = read_excerpt(m4a, max_seconds=2)
    assert excerpt.decoder == "ffmpeg"
    assert len(excerpt.samples) / excerpt.sample_rate == pytest.approx(2, abs=0.05)
    assert excerpt.start_s == pytest.approx(2, abs=0.1)
    assert excerpt.duration_s == pytest.approx(6, abs=0.1)


@pytest.mark.usefixtures("ffmpeg")
def test_an_hour_long_file_is_analysed_in_bounded_memory(tmp_path: Path) -> None:
    # Generating and analysing an hour of audio takes about two seconds: the point of
    # the test is the length (decoded whole, it would be 115 MB of float32).
    hour = long_sine_flac(tmp_path / "hour.flac", 3600)
    analyse(hour, max_seconds=1)  # librosa's first-call allocations stay out of the count
    tracemalloc.start()
    try:
        found = analyse(hour, max_seconds=10)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.duration_s == 3600
    assert found.features()["duration_ms"] == 3_600_000
    assert (found.excerpt_start_s, found.excerpt_s) == (1795, 10)
    assert peak < 40 * 2**20


def test_analysis_and_errors_cross_process_boundaries(synth: Synth) -> None:
    found = synth.analysis("groove.wav")
    copy = pickle.loads(pickle.dumps(found))
    assert copy.features() == found.features()
    assert np.array_equal(copy.embedding, found.embedding)
    assert copy.embedding.shape == (SONIC_DIM,)
    assert pickle.loads(pickle.dumps(analyse)) is analyse
    error = pickle.loads(pickle.dumps(AudioError("/m/x.mp3", "empty file")))
    assert isinstance(error, MixtapeError)
    assert (str(error), error.path, error.reason) == (
        "/m/x.mp3: empty file",
        "/m/x.mp3",
        "empty file",
    )


def test_a_many_channel_file_is_read_as_its_front_left_and_right(tmp_path: Path) -> None:
    t = np.arange(22050 * 3) / 22050
    channels = np.stack([np.sin(2 * np.pi * 220 * (k + 1) * t) for k in range(6)], axis=1)
    path = write(tmp_path / "surround.wav", (0.1 * channels).astype(np.float32))
    excerpt = read_excerpt(path, max_seconds=2)
    assert excerpt.samples.shape == (2 * 22050, 2)
    assert np.allclose(
        excerpt.samples, 0.1 * channels[22050 // 2 : 22050 // 2 + 2 * 22050, :2], atol=1e-4
    )


@pytest.mark.usefixtures("ffmpeg")
def test_a_truncated_file_says_so(tmp_path: Path) -> None:
    whole = long_sine_flac(tmp_path / "whole.flac", 600)
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole.read_bytes()[:20_000])
    assert failure(cut).startswith("truncated: no audio at ")
