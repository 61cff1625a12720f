"""Fuzzing `opsverify inventory check`: random mutations of valid inventories and generated deep, alias and
encoding cases. Whatever the input: exit 0 or 4, a ``file:LINE: what`` message on 4, no traceback, and an end within
5 s (a SIGALRM timer turns a hang into a failure naming the case). Seeded, so a failure reproduces."""

from __future__ import annotations

import random
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsverify.cli import main
from opsverify.paths import default_inventory

BOUND = 5  # seconds per case
SEEDS = [default_inventory("lab").read_bytes(), default_inventory("local").read_bytes()]
TOKENS = [b":", b"-", b"[", b"]", b"{", b"}", b"&a", b"*a", b"!!python/object:os.system", b"|", b">", b"'", b'"',
          b"%", b"@", b"`", b"#", b",", b"?", b"\t", b"\n", b"  ", b"\x00", b"\xff", b"\xe9", b"${X}", b"$${",
          b"${", b"99999", b"-1", b"150", b"0s", b"1e309", b".nan", b"2030-13-45", b"~", b"null", b"yes", b"<<: *a",
          b"\\u0000", "\u202e".encode(), b"\r"]  # fmt: skip


VALUES = [b"[]", b"{}", b"~", b"[1, [2]]", b"{a: b}", b'""', b"-1", b"1e999", b"true", b"0s", b"[prod]", b"x" * 300]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [b""]
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            pos = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rng.choice(TOKENS) + lines[i][pos:]
        elif op == 3:
            lines[i] = b" " * rng.randint(0, 8) + lines[i].lstrip()
        elif op == 4 and lines[i]:
            pos = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:pos] + bytes([rng.randrange(256)]) + lines[i][pos + 1 :]
        elif op == 5:
            lines = lines[: rng.randint(0, len(lines))]
        elif op == 6:
            lines[i] = re.sub(rb"\b\d+\b", rng.choice([b"0", b"-5", b"70000", b"101", b"1.5"]), lines[i], count=1)
        elif op == 7 and b": " in lines[i]:  # another type where a value was: list, mapping, null, bool, number
            key = lines[i].split(b": ", 1)[0]
            lines[i] = key + b": " + rng.choice(VALUES)
    return b"\n".join(lines)


def _generated() -> Iterator[tuple[str, bytes]]:
    for depth in (63, 64, 65, 1000, 100_000):
        yield f"flow depth {depth}", b"name: " + b"[" * depth + b"]" * depth + b"\n"
        yield f"block depth {depth}", b"".join(b"  " * i + b"k:\n" for i in range(min(depth, 3000)))
    for width in (2, 9, 30):
        chain = b"a0: &a0 [x]\n" + b"".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]\n".encode() for i in range(1, 12)
        )
        yield f"aliases x{width}", chain
    yield "merge keys", b"base: &b {name: x}\ncontainers:\n  - <<: *b\n  - <<: [*b, *b]\n"
    yield "recursive alias", b"a: &a [*a]\n"
    yield "undefined alias", b"containers: *nope\n"
    text = default_inventory("lab").read_text()
    for codec in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"):
        yield f"lab as {codec}", (text + "# caf\u00e9\n").encode(codec, errors="replace")
    yield "lab with BOM", b"\xef\xbb\xbf" + text.encode()
    yield "random bytes", random.Random(1).randbytes(4096)
    yield "long line", b"name: " + b"x" * 900_000 + b"\n"
    yield "many keys", b"".join(f"k{i}: {i}\n".encode() for i in range(60_000))
    yield "many documents", b"version: 1\n---\nversion: 1\n"


def _cases() -> Iterator[tuple[str, bytes]]:
    rng = random.Random(13)
    for n in range(400):
        yield f"mutation {n}", _mutate(rng, rng.choice(SEEDS))
    yield from _generated()


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


def test_inventory_check_never_tracebacks_hangs_or_exits_otherwise(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("OPSVERIFY_ENV", raising=False)
    path = tmp_path / "inventory.yml"
    failures: list[str] = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for name, data in _cases():
            path.write_bytes(data)
            signal.alarm(BOUND)
            try:
                code = main(["inventory", "check", "-i", str(path)])
            except _Hang:
                failures.append(f"{name}: still running after {BOUND} s")
                continue
            except BaseException as exc:  # a traceback is the bug this test looks for
                failures.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
                continue
            finally:
                signal.alarm(0)
            err = capsys.readouterr().err
            if code not in (0, 4):
                failures.append(f"{name}: exit {code}: {err[:200]}")
            elif code == 4 and not re.match(rf"opsverify: {re.escape(str(path))}:[1-9]\d*: \S", err):
                failures.append(f"{name}: no file:LINE: {err[:200]}")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("seed", SEEDS, ids=["lab", "local"])
def test_the_seeds_themselves_are_valid(tmp_path: Path, capsys, monkeypatch, seed: bytes) -> None:
    monkeypatch.delenv("OPSVERIFY_ENV", raising=False)
    path = tmp_path / "inventory.yml"
    path.write_bytes(seed)
    assert main(["inventory", "check", "-i", str(path)]) == 0, capsys.readouterr().err
