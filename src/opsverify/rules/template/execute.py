"""Executes a parsed Go template (see :mod:`.parser`) against modelled Go values (see :mod:`.values`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import TemplateExecError
from .gofmt import sprint_value
from .gotime import GoDuration, GoTime, call_method
from .nodes import (
    Action,
    Branch,
    Chain,
    Command,
    Dot,
    Field,
    Identifier,
    Literal,
    LoopControl,
    Node,
    Pipe,
    TemplateCall,
    Text,
    Variable,
)
from .parser import Tree
from .values import GoMap, GoStruct, go_type, truth

_MISSING = object()


class FuncError(Exception):
    """Raised by a template function; rendered as ``error calling NAME: message``."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


@dataclass
class Func:
    """A template function: ``params`` are Go type names ("any", "string", "float64", "int"); ``lazy`` gets nodes."""

    fn: Callable[..., Any]
    params: list[str]
    variadic: str | None = None
    lazy: bool = False


class Executor:
    def __init__(self, tree: Tree, funcs: dict[str, Func]) -> None:
        self.tree = tree
        self.funcs = funcs
        self.vars: list[tuple[str, Any]] = []
        self.out: list[str] = []

    def errorf(self, node: Node, message: str) -> TemplateExecError:
        text = self.tree.text[: node.pos]
        line = text.count("\n") + 1
        col = node.pos - (text.rfind("\n") + 1)
        context = str(node)
        if len(context) > 20:
            context = context[:20] + "..."
        where = f"{self.tree.name}:{line}:{col}"
        return TemplateExecError(f'template: {where}: executing "{self.tree.name}" at <{context}>: {message}')

    def run(self, data: Any) -> str:
        self.vars = [("$", data)]
        self.walk_list(data, self.tree.root)
        return "".join(self.out)

    def walk_list(self, dot: Any, nodes: list[Node]) -> None:
        for node in nodes:
            self.walk(dot, node)

    def walk(self, dot: Any, node: Node) -> None:
        if isinstance(node, Text):
            self.out.append(node.text)
        elif isinstance(node, Action):
            value = self.eval_pipe(dot, node.pipe)
            if not node.pipe.decl:
                self.out.append(print_value(value))
        elif isinstance(node, Branch):
            self.walk_branch(dot, node)
        elif isinstance(node, TemplateCall):
            self.walk_template(dot, node)
        elif isinstance(node, LoopControl):
            raise _Break() if node.kind == "break" else _Continue()

    def walk_branch(self, dot: Any, node: Branch) -> None:
        mark = len(self.vars)
        value = self.eval_pipe(dot, node.pipe, declare=node.kind != "range")
        if node.kind == "range":
            self.walk_range(dot, node, value)
        elif truth(value):
            self.walk_list(value if node.kind == "with" else dot, node.body)
        elif node.else_body is not None:
            self.walk_list(dot, node.else_body)
        del self.vars[mark:]

    def walk_range(self, dot: Any, node: Branch, value: Any) -> None:
        if isinstance(value, GoMap):
            items: list[tuple[Any, Any]] = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [(i, i) for i in range(value)]
        elif value is None:
            items = []
        else:
            raise self.errorf(node, f"range can't iterate over {sprint_value(value)}")
        if not items and node.else_body is not None:
            self.walk_list(dot, node.else_body)
        mark = len(self.vars)
        for key, elem in items:
            self._range_vars(node.pipe.decl, key, elem)
            try:
                self.walk_list(elem, node.body)
            except _Break:
                break
            except _Continue:
                continue
            finally:
                del self.vars[mark:]

    def _range_vars(self, decl: list[str], key: Any, elem: Any) -> None:
        if len(decl) == 1:
            self.vars.append((decl[0], elem))
        elif len(decl) == 2:
            self.vars.extend([(decl[0], key), (decl[1], elem)])

    def walk_template(self, dot: Any, node: TemplateCall) -> None:
        body = self.tree.templates.get(node.name)
        if body is None:
            raise self.errorf(node, f'template: no template "{node.name}" associated with template "{self.tree.name}"')
        new_dot = self.eval_pipe(dot, node.pipe) if node.pipe else dot
        saved, self.vars = self.vars, [("$", new_dot)]
        try:
            self.walk_list(new_dot, body)
        finally:
            self.vars = saved

    def eval_pipe(self, dot: Any, pipe: Pipe, declare: bool = True) -> Any:
        value: Any = _MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
        if pipe.decl and declare:
            self.set_var(pipe.decl[0], value, pipe.is_assign)
        return value

    def set_var(self, name: str, value: Any, assign: bool) -> None:
        if assign:
            for i in range(len(self.vars) - 1, -1, -1):
                if self.vars[i][0] == name:
                    self.vars[i] = (name, value)
                    return
        self.vars.append((name, value))

    def var(self, name: str) -> Any:
        for vname, value in reversed(self.vars):
            if vname == name:
                return value
        return None

    def eval_command(self, dot: Any, cmd: Command, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, Identifier):
            return self.call(dot, first, cmd, cmd.args[1:], final)
        if len(cmd.args) > 1 or final is not _MISSING:
            return self.method_call(dot, first, cmd.args[1:], final)
        return self.eval_arg(dot, first)

    def method_call(self, dot: Any, first: Node, args: list[Node], final: Any) -> Any:
        """``(x | toTime).Format "2006-01-02"``: the last name of a field chain is a method given arguments."""
        names = getattr(first, "names", None)
        if (
            not isinstance(first, Field | Variable | Chain)
            or not names
            or (isinstance(first, Variable) and len(names) < 2)
        ):
            raise self.errorf(first, f"can't give argument to non-function {first}")
        if isinstance(first, Field):
            receiver = self.fields(first, dot, names[:-1])
        elif isinstance(first, Variable):
            receiver = self.fields(first, self.var(names[0]), names[1:-1])
        else:
            receiver = self.fields(first, self.eval_arg(dot, first.node), names[:-1])
        method = _method(receiver, names[-1])  # a value carrying its Go methods (Alertmanager's KV, Pairs...)
        if method is None and not isinstance(receiver, GoTime | GoDuration):
            raise self.errorf(first, f"can't give argument to non-function {first}")
        values = [self.eval_arg(dot, a) for a in args] + ([] if final is _MISSING else [final])
        if method is not None:
            try:
                return method(*values)
            except (FuncError, TypeError) as exc:
                raise self.errorf(first, f"error calling {names[-1]}: {exc}") from None
        try:
            return call_method(receiver, names[-1], values)
        except TemplateExecError as exc:
            raise self.errorf(first, str(exc)) from None

    def eval_arg(self, dot: Any, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Dot):
            return dot
        if isinstance(node, Field):
            return self.fields(node, dot, node.names)
        if isinstance(node, Variable):
            return self.fields(node, self.var(node.names[0]), node.names[1:])
        if isinstance(node, Chain):
            return self.fields(node, self.eval_arg(dot, node.node), node.names)
        if isinstance(node, Pipe):
            mark = len(self.vars)
            value = self.eval_pipe(dot, node)
            del self.vars[mark:]
            return value
        if isinstance(node, Identifier):
            return self.call(dot, node, Command(node.pos, [node]), [], _MISSING)
        raise self.errorf(node, "can't handle node")  # pragma: no cover - parser emits no other operands

    def fields(self, node: Node, value: Any, names: list[str]) -> Any:
        for name in names:
            value = self.field(node, value, name)
        return value

    def field(self, node: Node, value: Any, name: str) -> Any:
        method = _method(value, name)
        if method is not None:  # a niladic Go method such as .SortedPairs or .Alerts.Firing
            try:
                return method()
            except TypeError as exc:
                raise self.errorf(node, f"error calling {name}: {exc}") from None
        if isinstance(value, GoMap):
            return value.get(name, value.zero())
        if isinstance(value, GoStruct) and name in value.fields:
            return value.fields[name]
        if isinstance(value, GoTime | GoDuration):
            try:
                return call_method(value, name, [])
            except TemplateExecError as exc:
                raise self.errorf(node, str(exc)) from None
        if value is None:
            raise self.errorf(node, f"nil pointer evaluating interface {{}}.{name}")
        raise self.errorf(node, f"can't evaluate field {name} in type {go_type(value)}")

    def call(self, dot: Any, ident: Identifier, cmd: Command, args: list[Node], final: Any) -> Any:
        func = self.funcs[ident.name]
        if func.lazy:
            return func.fn(self, dot, args, final)
        values = [self.eval_arg(dot, a) for a in args]
        if final is not _MISSING:
            values.append(final)
        self.check_args(ident, func, values)
        try:
            return func.fn(*values)
        except FuncError as exc:
            raise self.errorf(cmd, f"error calling {ident.name}: {exc}") from None

    def check_args(self, ident: Identifier, func: Func, values: list[Any]) -> None:
        n, want = len(values), len(func.params)
        if (func.variadic is None and n != want) or n < want:
            least = "at least " if func.variadic is not None else ""
            raise self.errorf(ident, f"wrong number of args for {ident.name}: want {least}{want} got {n}")
        for i, value in enumerate(values):
            expected = func.params[i] if i < want else func.variadic or "any"
            if not _fits(value, expected):
                raise self.errorf(ident, f"wrong type for value; expected {expected}; got {go_type(value)}")
            if expected == "float64" and isinstance(value, int):
                values[i] = float(value)


def print_value(value: Any) -> str:
    """How an action prints its value: ``<no value>`` for nil, a Go ``String()`` method when the value has one."""
    if value is None:
        return "<no value>"
    stringer = _method(value, "String")
    return str(stringer()) if stringer is not None else sprint_value(value)


def _method(value: Any, name: str) -> Callable[..., Any] | None:
    """Values may carry Go methods as a ``go_methods`` table (name -> callable), e.g. Alertmanager's template KV."""
    methods = getattr(value, "go_methods", None)
    return methods.get(name) if isinstance(methods, dict) else None


def _fits(value: Any, expected: str) -> bool:
    if expected == "any":
        return True
    if expected == "string":
        return isinstance(value, str)
    if expected == "float64":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return go_type(value) == expected
