"""A full audit and a batch run with sockets disabled: the tool never touches the network."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import SAMPLE_LOGS


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network call attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_guard_really_blocks(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))


@pytest.mark.parametrize("fmt", ["json", "html", "md"])
def test_report_without_network(no_network, tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    result = CliRunner().invoke(app, ["report", str(SAMPLE_LOGS / "qq_txt" / "study_group.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 1000


def test_batch_without_network(no_network, tmp_path):
    result = CliRunner().invoke(app, ["batch", str(SAMPLE_LOGS / "qq_txt"), str(SAMPLE_LOGS / "telegram"),
                                      "--jobs", "1", "-f", "csv", "--details", str(tmp_path / "d")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") >= 6
