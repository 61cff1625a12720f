"""Vector-vector arithmetic and comparison with one-to-one / many-to-one / one-to-many matching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opsverify.promql.arith import ARITH, elem_op
from opsverify.promql.model import NAME, Row, drop_name, merge_rows, only, with_label, without
from opsverify.promql.values import Labels, PromQLError, go_labels


@dataclass(frozen=True)
class Matching:
    card: str  # OneToOne ManyToOne OneToMany ManyToMany
    on: bool
    names: frozenset[str]
    include: tuple[str, ...]
    fill_lhs: float | None = None
    fill_rhs: float | None = None

    @classmethod
    def from_modifier(cls, mod: Any, op: str) -> Matching:
        if mod is None:
            card = "ManyToMany" if op in ("and", "or", "unless") else "OneToOne"
            return cls(card, False, frozenset(), ())
        card = str(mod.card).rsplit(".", 1)[-1]
        matching = mod.matching
        on = matching is not None and str(matching.type).endswith("Include")
        names = frozenset(matching.labels) if matching is not None else frozenset()
        fill = getattr(mod, "fill_values", None)
        fill_lhs = None if fill is None else fill.lhs
        fill_rhs = None if fill is None else fill.rhs
        return cls(card, on, names, tuple(mod.group_labels or ()), fill_lhs, fill_rhs)

    def signature(self, labels: Labels) -> Labels:
        if self.on:
            return only(labels, self.names)
        return without(labels, self.names | {NAME})


def _result_labels(lhs: Labels, rhs: Labels, op: str, m: Matching) -> Labels:
    out = drop_name(lhs) if op in ARITH else lhs
    if m.card == "OneToOne":
        out = only(out, m.names) if m.on else without(out, m.names)
    for name in m.include:
        out = with_label(out, name, dict(rhs).get(name, ""))
    return out


def _check_one_side(rows: list[Row], m: Matching, n: int) -> dict[Labels, list[Row]]:
    groups: dict[Labels, list[Row]] = {}
    for row in rows:
        groups.setdefault(m.signature(row.labels), []).append(row)
    for sig, grp in groups.items():
        if len(grp) < 2:
            continue
        for i in range(n):
            having = [r for r in grp if r.vals[i] is not None]
            if len(having) > 1:
                side = "left" if m.card == "OneToMany" else "right"
                a, b = sorted(go_labels(dict(r.labels)) for r in having[:2])
                raise PromQLError(
                    f"found duplicate series for the match group {go_labels(dict(sig))} on the {side} "
                    f"hand-side of the operation: [{a}, {b}];many-to-many matching not allowed: "
                    "matching labels must be unique on one side"
                )
    return groups


def vector_binop(op: str, lhs: list[Row], rhs: list[Row], m: Matching, return_bool: bool, n: int) -> list[Row]:
    """Match rows once by signature, then compute per step; fill modifiers supply a missing side."""
    if m.card == "ManyToMany":
        raise PromQLError("many-to-many only allowed for set operators")
    swap = m.card == "OneToMany"
    many, one = (rhs, lhs) if swap else (lhs, rhs)
    groups = _check_one_side(one, m, n)
    pairing = _Pairing(op, m, return_bool, swap, n)
    many_present: dict[Labels, list[bool]] = {}
    for row in many:
        sig = m.signature(row.labels)
        covered = [False] * n
        for other in groups.get(sig, ()):
            matched = pairing.add(sig, row.vals, other.vals, row.labels, other.labels)
            covered = [a or b for a, b in zip(covered, matched, strict=True)]
        if m.fill_rhs is not None:
            fill = [m.fill_rhs if v is not None and not c else None for v, c in zip(row.vals, covered, strict=True)]
            pairing.add(sig, row.vals, fill, row.labels, sig)
        present = many_present.setdefault(sig, [False] * n)
        for i, v in enumerate(row.vals):
            present[i] = present[i] or v is not None
    if m.fill_lhs is not None:
        for other in one:
            sig = m.signature(other.labels)
            seen = many_present.get(sig, [False] * n)
            fill = [m.fill_lhs if v is not None and not c else None for v, c in zip(other.vals, seen, strict=True)]
            pairing.add(sig, fill, other.vals, sig, other.labels)
    return merge_rows(pairing.out, n)


class _Pairing:
    """Accumulates result rows of matched (many, one) value lists and checks match uniqueness per step."""

    def __init__(self, op: str, m: Matching, return_bool: bool, swap: bool, n: int) -> None:
        self.op, self.m, self.return_bool, self.swap, self.n = op, m, return_bool, swap, n
        self.out: list[Row] = []
        self.claimed: dict[tuple[Labels, Labels], list[bool]] = {}

    def add(self, sig: Labels, many: list[float | None], one: list[float | None], ml: Labels, ol: Labels) -> list[bool]:
        vals, matched = _pair_values(self.op, many, one, self.swap, self.return_bool, self.n)
        if any(matched):
            labels = _result_labels(ml, ol, self.op, self.m)
            _claim(self.claimed, (sig, () if self.m.card == "OneToOne" else labels), matched, self.m.card)
            if any(v is not None for v in vals):
                self.out.append(Row(labels, vals, self.return_bool))
        return matched


def _claim(
    claimed: dict[tuple[Labels, Labels], list[bool]], key: tuple[Labels, Labels], matched: list[bool], card: str
) -> None:
    seen = claimed.get(key)
    if seen is None:
        claimed[key] = list(matched)
        return
    for i, flag in enumerate(matched):
        if flag and seen[i]:
            if card == "OneToOne":
                raise PromQLError(
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
                )
            raise PromQLError("multiple matches for labels: grouping labels must ensure unique matches")
        seen[i] = seen[i] or flag


def _pair_values(
    op: str, many: list[float | None], one: list[float | None], swap: bool, return_bool: bool, n: int
) -> tuple[list[float | None], list[bool]]:
    vals: list[float | None] = [None] * n
    matched = [False] * n
    for i in range(n):
        a, b = many[i], one[i]
        if a is None or b is None:
            continue
        matched[i] = True
        res, keep = elem_op(op, b, a) if swap else elem_op(op, a, b)
        if return_bool:
            vals[i] = 1.0 if keep else 0.0
        elif keep:
            vals[i] = res
    return vals, matched
