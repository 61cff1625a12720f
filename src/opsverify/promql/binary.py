"""Binary operators: scalar/vector combinations, vector matching (on/ignoring, group_left/right), set ops."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opsverify.promql.arith import ARITH, SET_OPS, elem_op, scalar_op
from opsverify.promql.matching import Matching, vector_binop
from opsverify.promql.model import Grid, Row, ScalarData, Value, VectorData, merge_rows
from opsverify.promql.values import PromQLError

if TYPE_CHECKING:
    from opsverify.promql.engine import Evaluator


def eval_binary(ev: Evaluator, node: Any, grid: Grid) -> Value:
    op = str(node.op)
    mod = node.modifier
    return_bool = bool(mod is not None and mod.return_bool)
    lhs = ev.eval(node.lhs, grid)
    rhs = ev.eval(node.rhs, grid)
    if isinstance(lhs, ScalarData) and isinstance(rhs, ScalarData):
        return ScalarData([scalar_op(op, a, b) for a, b in zip(lhs.vals, rhs.vals, strict=True)])
    if isinstance(lhs, VectorData) and isinstance(rhs, ScalarData):
        return _vector_scalar(op, lhs, rhs.vals, swap=False, return_bool=return_bool)
    if isinstance(lhs, ScalarData) and isinstance(rhs, VectorData):
        return _vector_scalar(op, rhs, lhs.vals, swap=True, return_bool=return_bool)
    if isinstance(lhs, VectorData) and isinstance(rhs, VectorData):
        matching = Matching.from_modifier(mod, op)
        if op in SET_OPS:
            return VectorData(_set_op(op, lhs.rows, rhs.rows, matching, grid.n))
        return VectorData(vector_binop(op, lhs.rows, rhs.rows, matching, return_bool, grid.n))
    raise PromQLError(f"binary expression must contain only scalar and instant vector types (operator {op})")


def _vector_scalar(op: str, vec: VectorData, svals: list[float], *, swap: bool, return_bool: bool) -> Value:
    out = []
    schema_change = op in ARITH or return_bool
    for row in vec.rows:
        vals: list[float | None] = []
        for v, s in zip(row.vals, svals, strict=True):
            if v is None:
                vals.append(None)
                continue
            res, keep = elem_op(op, s, v) if swap else elem_op(op, v, s)
            if op not in ARITH and swap:
                res = v
            if return_bool:
                vals.append(1.0 if keep else 0.0)
            else:
                vals.append(res if keep else None)
        if any(v is not None for v in vals):
            out.append(Row(row.labels, vals, row.drop_name or schema_change))
    return VectorData(out)


def _set_op(op: str, lhs: list[Row], rhs: list[Row], m: Matching, n: int) -> list[Row]:
    present = _presence(rhs if op != "or" else lhs, m, n)
    if op == "or":
        out = list(lhs)
        for row in rhs:
            seen = present.get(m.signature(row.labels))
            vals = row.vals if seen is None else [v if not seen[i] else None for i, v in enumerate(row.vals)]
            out.append(Row(row.labels, vals, row.drop_name))
        return merge_rows([r for r in out if any(v is not None for v in r.vals)], n)
    out = []
    want = op == "and"
    for row in lhs:
        seen = present.get(m.signature(row.labels))
        vals = [v if v is not None and (seen is not None and seen[i]) == want else None for i, v in enumerate(row.vals)]
        if any(v is not None for v in vals):
            out.append(Row(row.labels, vals, row.drop_name))
    return out


def _presence(rows: list[Row], m: Matching, n: int) -> dict[Any, list[bool]]:
    present: dict[Any, list[bool]] = {}
    for row in rows:
        flags = present.setdefault(m.signature(row.labels), [False] * n)
        for i, v in enumerate(row.vals):
            if v is not None:
                flags[i] = True
    return present
