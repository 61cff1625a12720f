"""Hostile and malformed inventories: every one is exit 4 from `opsverify inventory check` with ``file:LINE: what``,
never a traceback or a hang (issue 13)."""

from __future__ import annotations

import codecs
import re
import time

import pytest

from opsverify.cli import main

BOUND = 5.0  # seconds: the bound for any inventory, on a loaded machine

LAUGHS = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9 if i else ['"lol"'] * 9) + "]\n"
    for i in range(10)
)
ALIAS_CHAIN = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 200))

CASES: list[tuple[str, bytes, str]] = [
    ("empty", b"", r":1: the inventory is empty"),
    ("comments only", b"# nothing\n\n# here\n", r":1: the inventory is empty"),
    ("binary", b"version: 1\n\x00\x01\xff\xfe garbage", r":2: binary data"),
    ("latin-1", "version: 1\nname: caf\u00e9\n".encode("latin-1"), r":2: not UTF-8 text \(byte 0xe9 at column 10"),
    ("utf-16", "version: 1\n".encode("utf-16"), r":1: file is UTF-16 text; save it as UTF-8"),
    ("utf-16 without BOM", "version: 1\n".encode("utf-16-le"), r":1: binary data"),
    ("utf-8 BOM is fine", codecs.BOM_UTF8 + b"version: 1\nhttp: 3\n", r":2: http: expected a list"),
    ("10,000-deep flow", b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", r":1: (invalid YAML|nested deeper)"),
    ("100-deep block", "".join("  " * i + f"k{i}:\n" for i in range(100)).encode(), r":\d+: nested deeper than 64"),
    ("billion laughs", LAUGHS.encode(), r":\d+: more than 50,000 values once aliases are expanded"),
    ("alias chain", ALIAS_CHAIN.encode(), r":\d+: nested deeper than 64 levels"),
    ("20 MB", b"version: 1\nname: x\n" + b"# padding padding padding\n" * 800_000, r":\d+: file larger than 1 MiB"),
    (
        "bad date",
        b"version: 1\nwaivers:\n  - {check: x, reason: y, expires: 2030-13-45}\n",
        r":3: bad date '2030-13-45'",
    ),
    ("date not a date", b"waivers:\n  - check: x\n    reason: y\n    expires: soon\n", r":4: waivers\[0\].expires"),
    ("duplicate key", b"version: 1\nname: a\nname: b\n", r":3: duplicate key 'name'"),
    ("default env, none defined", b"version: 1\ndefault_environment: lab\n", r":2: unknown environment 'lab'"),
]

RANGES = [
    ("percent", "hosts:\n  - name: h\n    spec: local://\n    disks: [{mount: /, max_used_percent: 150}]\n", 5,
     "max_used_percent: 150 is not a percentage (0-100)"),
    ("negative percent", "containers:\n  - name: c\n    max_memory_percent: -1\n", 4, "not a percentage"),
    ("port", "hosts:\n  - name: h\n    spec: local://\n    ports: [22, 70000]\n", 5, "70000 is not a TCP port"),
    ("reaches port", "containers:\n  - name: c\n    reaches: ['db:99999']\n", 3, "99999 is not a TCP port"),
    ("zero timeout", "defaults:\n  timeout: 0s\n", 3, "defaults.timeout: must be a duration > 0"),
    ("zero since", "logs:\n  - name: l\n    container: c\n    since: 0\n", 5, "must be a duration > 0"),
    ("url port", "http:\n  - name: a\n    url: 'http://127.0.0.1:99999/'\n", 3, "Port out of range 0-65535"),
    ("server url port", "prometheus:\n  - name: p\n    url: 'http://127.0.0.1:0'\n", 3, "port 0 is not a TCP port"),
    ("negative max", "logs:\n  - name: l\n    path: /x\n    max_bytes: -1\n", 5, "logs[0].max_bytes: must be >= 0"),
    ("zero concurrency", "defaults:\n  concurrency: 0\n", 3, "defaults.concurrency: must be >= 1, got 0"),
    ("unknown environment", "environments: {production: {}}\ncontainers:\n  - name: c\n    environments: [prodution]\n",
     5, "containers[0].environments: 'prodution' is not under environments: (known: production)"),
    ("no environments at all", "http:\n  - name: a\n    url: http://127.0.0.1/\n    environments: [prod]\n", 5,
     "'prod' is not under environments: (known: none defined)"),
    ("unknown host", "hosts:\n  - {name: db1, spec: local://}\nlogs:\n  - name: l\n    path: /x\n    host: db2\n", 7,
     "logs[0].host: 'db2' is not under hosts: (known: db1)"),
]  # fmt: skip


def _check(tmp_path, capsys, data: bytes) -> tuple[int, str, float]:
    path = tmp_path / "inventory.yml"
    path.write_bytes(data)
    start = time.monotonic()
    code = main(["inventory", "check", "-i", str(path)])
    elapsed = time.monotonic() - start
    return code, capsys.readouterr().err.replace(str(path), "inventory.yml"), elapsed


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_files_are_exit_4_with_file_line_and_reason(tmp_path, capsys, monkeypatch, data, expected):
    monkeypatch.delenv("OPSVERIFY_ENV", raising=False)
    code, err, elapsed = _check(tmp_path, capsys, data)
    assert code == 4, err
    assert re.match(r"opsverify: inventory\.yml" + expected, err), err
    assert elapsed < BOUND


@pytest.mark.parametrize(("text", "line", "expected"), [r[1:] for r in RANGES], ids=[r[0] for r in RANGES])
def test_ranges_and_references_are_validated(tmp_path, capsys, monkeypatch, text, line, expected):
    monkeypatch.delenv("OPSVERIFY_ENV", raising=False)
    code, err, _ = _check(tmp_path, capsys, f"version: 1\n{text}".encode())
    assert code == 4, err
    assert err.startswith(f"opsverify: inventory.yml:{line}: "), err  # the text starts with "version: 1\n"
    assert expected in err, err


def test_valid_references_and_ranges_pass(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OPSVERIFY_ENV", raising=False)
    text = (
        "version: 1\nenvironments: {prod: {}}\nhosts:\n  - {name: db1, spec: local://, ports: [1, 65535],"
        " disks: [{mount: /, max_used_percent: 100}]}\nlogs:\n  - {name: l, path: /x, host: db1, environments: [prod]}\n"
        "  - {name: m, path: /x, host: 'ssh://root@127.0.0.1:2222'}\n"
    )
    code, err, _ = _check(tmp_path, capsys, text.encode())
    assert code == 0, err


def test_a_fifo_or_a_folder_is_refused_without_blocking(tmp_path, capsys):
    import os

    fifo = tmp_path / "inventory.yml"
    os.mkfifo(fifo)  # nobody writes: reading it would block forever
    assert main(["inventory", "check", "-i", str(fifo)]) == 4
    assert main(["inventory", "check", "-i", str(tmp_path)]) == 4
    assert capsys.readouterr().err.count("not a regular file") == 2
