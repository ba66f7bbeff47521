"""The one temp-file-and-rename: all or nothing, beside the target, with its mode."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mixtape.atomic import part_glob, replacing


def test_the_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "new" / "list.m3u8"  # missing folders are made
    with replacing(target) as f:
        f.write(b"#EXTM3U\n")
        f.flush()
        assert not target.exists()
        (part,) = target.parent.glob(part_glob("list.m3u8"))
        assert part.name.startswith(".list.m3u8.") and part.read_bytes() == b"#EXTM3U\n"
    assert target.read_bytes() == b"#EXTM3U\n"
    assert [p.name for p in target.parent.iterdir()] == ["list.m3u8"]


def test_text_keeps_its_newlines_and_replaces_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("old", encoding="utf-8")
    with replacing(target, text=True) as f:
        f.write("a,b\r\nç,d\n")
    assert target.read_bytes() == "a,b\r\nç,d\n".encode()


def test_a_failure_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "t.json"
    target.write_text("old", encoding="utf-8")

    def write_half() -> None:
        with replacing(target, text=True) as f:
            f.write("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_half()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]


def test_a_secret_is_private_from_the_start(tmp_path: Path) -> None:
    target = tmp_path / "tokens.json"
    with replacing(target, text=True, mode=0o600) as f:
        (part,) = tmp_path.glob(part_glob("tokens.json"))
        assert stat.S_IMODE(part.stat().st_mode) == 0o600
        f.write("{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
