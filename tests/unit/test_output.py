import os
import stat
import threading

import pytest

from titrate.errors import InputError
from titrate.service.files import write_atomically


def test_writes_a_new_file(tmp_path):
    target = tmp_path / "plan.csv"
    write_atomically(target, b"a,b\r\n", force=False)
    assert target.read_bytes() == b"a,b\r\n"


def test_does_not_overwrite_without_force_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "plan.csv"
    target.write_bytes(b"old")
    with pytest.raises(InputError, match="--force"):
        write_atomically(target, b"new", force=False)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_overwrites_with_force(tmp_path):
    target = tmp_path / "plan.csv"
    target.write_bytes(b"old")
    write_atomically(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "plan.csv"
    target.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("titrate.service.files.os.fsync", broken_fsync)
    with pytest.raises(OSError, match=f"cannot write {target}: No space left on device"):
        write_atomically(target, b"new", force=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_a_missing_folder_is_bad_input_naming_the_file(tmp_path):
    with pytest.raises(InputError, match="there is no folder"):
        write_atomically(tmp_path / "nowhere" / "plan.csv", b"x", force=False)


def test_with_force_a_pipe_or_device_is_written_into_not_replaced(tmp_path):
    # `-o /dev/null --force` once renamed a file over /dev/null; a FIFO stands in for any such node here.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    write_atomically(pipe, b"plan", force=True)
    reader.join(timeout=5)
    assert received == [b"plan"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]
