"""``-o`` never replaces what is not a regular file: devices and FIFOs are written to, ``-`` and
/dev/stdout mean standard output, a symlink stays a link and its target gets the content."""

from __future__ import annotations

import os
import stat
import tempfile
import threading

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.output import write_output
from tests.conftest import SAMPLE_LOGS

LOG = str(SAMPLE_LOGS / "qq_txt" / "study_group.txt")


@pytest.fixture(autouse=True)
def _never_in_dev(monkeypatch):
    """A regression must fail these tests, not replace the machine's /dev/null or /dev/stdout
    (the old code wrote a temporary file in /dev and renamed it over the device)."""
    real = tempfile.mkstemp

    def guarded(*args, **kwargs):
        folder = kwargs.get("dir")
        if folder is not None and os.path.realpath(folder).startswith("/dev"):
            raise AssertionError(f"a temporary file in {folder}: the device would be replaced")
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", guarded)


def test_dev_null_stays_a_character_device():
    result = CliRunner().invoke(app, ["members", LOG, "-f", "csv", "-o", "/dev/null"])
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not os.path.islink("/dev/null") and os.stat("/dev/null").st_rdev != 0


def test_a_private_character_device_stays_one(tmp_path):
    """The same on a device node of our own (where mknod is allowed), so a regression cannot
    replace the machine's /dev/null."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("mknod is not allowed here")
    result = CliRunner().invoke(app, ["members", LOG, "-f", "csv", "-o", str(node)])
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(node).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_write_to_stdout(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["members", LOG, "-f", "csv", "-o", name])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("sender_id,")  # no BOM on a stream
    assert list(tmp_path.iterdir()) == []


def test_dash_writes_binary_to_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["parse", LOG, "-f", "parquet", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"PAR1")
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_target_stays_a_link_and_its_file_gets_the_content(tmp_path):
    real = tmp_path / "real" / "members.csv"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o644)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = CliRunner().invoke(app, ["members", LOG, "-f", "csv", "-o", str(link)])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8-sig").startswith("sender_id,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    assert sorted(p.name for p in real.parent.iterdir()) == ["members.csv"]  # no temporary left


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "made.json")
    write_output(link, text="{}\n")
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text() == "{}\n"


def test_a_fifo_receives_the_data(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    write_output(fifo, text="a,b\n1,2\n", bom=True)
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert got == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path):
    from analysis.errors import OptionError

    with pytest.raises(OptionError, match="folder"):
        write_output(tmp_path, text="x")


def test_a_regular_file_is_still_replaced_atomically(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    write_output(target, text="new\n", bom=True)
    assert target.read_bytes() == "\ufeffnew\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
