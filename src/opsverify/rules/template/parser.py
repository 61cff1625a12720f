"""Parser for Go text/template: tokens from :mod:`.lexer` to the nodes of :mod:`.nodes`."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from .errors import TemplateParseError
from .lexer import Lexer, Token
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

_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unquote(text: str) -> str:
    """Go strconv.Unquote for "..." and `...` literals."""
    if text.startswith("`"):
        return text[1:-1]

    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] in "xuU":
            return chr(int(esc[1:], 16))
        if esc[0].isdigit():
            return chr(int(esc, 8))
        return _SIMPLE.get(esc, esc)

    return _ESCAPE.sub(one, text[1:-1])


@dataclass
class Tree:
    name: str
    text: str
    root: list[Node]
    templates: dict[str, list[Node]] = field(default_factory=dict)


class Parser:
    def __init__(self, text: str, name: str, funcs: Container[str]) -> None:
        self.text = text
        self.name = name
        self.funcs = funcs
        self.tokens = Lexer(text, name).run()
        self.i = 0
        self.vars: list[str] = ["$"]
        self.templates: dict[str, list[Node]] = {}
        self.loop_depth = 0

    def fail(self, pos: int, message: str) -> TemplateParseError:
        line = self.text.count("\n", 0, pos) + 1
        return TemplateParseError(f"template: {self.name}:{line}: {message}")

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def next(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, kind: str, context: str) -> Token:
        tok = self.next()
        if tok.kind != kind:
            raise self.fail(tok.pos, f"unexpected {_describe(tok)} in {context}")
        return tok

    def parse(self) -> Tree:
        root, end = self.parse_list(top=True)
        if end is not None:
            raise self.fail(end.pos, f"unexpected {{{{{end.value}}}}}")
        return Tree(self.name, self.text, root, self.templates)

    def parse_list(self, top: bool = False) -> tuple[list[Node], Token | None]:
        """Nodes up to ``{{end}}``/``{{else}}`` (returned as the terminator) or the end of input."""
        nodes: list[Node] = []
        while True:
            tok = self.next()
            if tok.kind == "eof":
                return nodes, None
            if tok.kind == "text":
                nodes.append(Text(tok.pos, tok.value))
                continue
            key = self.peek()
            if key.kind == "keyword" and key.value in ("end", "else"):
                self.next()
                return nodes, key
            node = self.parse_action(tok, top)
            if node is not None:
                nodes.append(node)

    def parse_action(self, start: Token, top: bool) -> Node | None:
        key = self.peek()
        if key.kind == "keyword":
            self.next()
            if key.value in ("if", "with", "range"):
                return self.parse_branch(key)
            if key.value in ("define", "block"):
                return self.parse_define(key, top)
            if key.value == "template":
                name = self.expect_string("template clause")
                pipe = None if self.peek().kind == "rdelim" else self.parse_pipe("template clause", False)
                self.expect("rdelim", "template clause")
                return TemplateCall(key.pos, name, pipe)
            if key.value in ("break", "continue"):
                if not self.loop_depth:
                    raise self.fail(key.pos, f"{{{{{key.value}}}}} outside {{{{range}}}}")
                self.expect("rdelim", key.value)
                return LoopControl(key.pos, key.value)
        pipe = self.parse_pipe("command", True)
        self.expect("rdelim", "command")
        return Action(start.pos, pipe)

    def expect_string(self, context: str) -> str:
        tok = self.next()
        if tok.kind not in ("string", "rawstring"):
            raise self.fail(tok.pos, f"unexpected {_describe(tok)} in {context}")
        return unquote(tok.value)

    def parse_define(self, key: Token, top: bool) -> Node | None:
        if key.value == "define" and not top:
            raise self.fail(key.pos, "unexpected <define> in command")
        name = self.expect_string(f"{key.value} clause")
        pipe = self.parse_pipe("block clause", False) if key.value == "block" else None
        self.expect("rdelim", f"{key.value} clause")
        saved, self.vars = self.vars, ["$"]
        body, end = self.parse_list()
        self.vars = saved
        if end is None or end.value != "end":
            raise self.fail(key.pos, f"unexpected EOF in {key.value} clause")
        self.expect("rdelim", "end")
        self.templates[name] = body
        return TemplateCall(key.pos, name, pipe) if key.value == "block" else None

    def parse_branch(self, key: Token) -> Branch:
        depth = len(self.vars)
        pipe = self.parse_pipe(key.value, False, allow_two=key.value == "range")
        self.expect("rdelim", key.value)
        self.loop_depth += key.value == "range"
        body, end = self.parse_list()
        self.loop_depth -= key.value == "range"
        if end is None:
            raise self.fail(key.pos, f"unexpected EOF in {key.value}")
        else_body: list[Node] | None = None
        if end.value == "else":
            else_body = self.parse_else(key)
        else:
            self.expect("rdelim", "end")
        del self.vars[depth:]
        return Branch(key.pos, key.value, pipe, body, else_body)

    def parse_else(self, key: Token) -> list[Node]:
        nxt = self.peek()
        if nxt.kind == "keyword" and nxt.value in ("if", "with") and key.value != "range":
            self.next()
            return [self.parse_branch(nxt)]  # "else if" / "else with": the nested branch consumes {{end}}
        self.expect("rdelim", "else")
        body, end = self.parse_list()
        if end is None or end.value != "end":
            raise self.fail(key.pos, f"expected end; found {end.value if end else 'EOF'}")
        self.expect("rdelim", "end")
        return body

    def parse_pipe(self, context: str, allow_assign: bool, allow_two: bool = False) -> Pipe:
        start = self.peek()
        pipe = Pipe(start.pos)
        self.parse_decl(pipe, allow_two)
        end_kinds = ("rdelim", "rparen")
        while self.peek().kind not in end_kinds:
            pipe.cmds.append(self.parse_command())
            if self.peek().kind == "pipe":
                self.next()
                if self.peek().kind in end_kinds:
                    raise self.fail(self.peek().pos, "missing command")
        if not pipe.cmds:
            raise self.fail(start.pos, f"missing value for {context}")
        return pipe

    def parse_decl(self, pipe: Pipe, allow_two: bool) -> None:
        tok, after = self.peek(), self.peek(1)
        if tok.kind != "variable":
            return
        if after.kind in ("declare", "assign"):
            self.i += 2
            pipe.decl, pipe.is_assign = [tok.value], after.kind == "assign"
        elif after.kind == "comma" and allow_two and self.peek(2).kind == "variable":
            if self.peek(3).kind not in ("declare", "assign"):
                return
            pipe.decl, pipe.is_assign = [tok.value, self.peek(2).value], self.peek(3).kind == "assign"
            self.i += 4
        else:
            return
        if pipe.is_assign:
            for name in pipe.decl:
                self.check_var(name, tok.pos)
        else:
            self.vars.extend(pipe.decl)

    def check_var(self, name: str, pos: int) -> None:
        if name not in self.vars:
            raise self.fail(pos, f"undefined variable {name!r}".replace("'", '"'))

    def parse_command(self) -> Command:
        cmd = Command(self.peek().pos, [])
        while self.peek().kind not in ("rdelim", "rparen", "pipe", "eof"):
            cmd.args.append(self.parse_operand())
        if not cmd.args:
            raise self.fail(self.peek().pos, "empty command")
        return cmd

    def parse_operand(self) -> Node:
        node = self.parse_term()
        names: list[str] = []
        while self.peek().kind == "field" and not self.peek().space:
            names.append(self.next().value[1:])
        if not names:
            return node
        if isinstance(node, Field):
            return Field(node.pos, node.names + names)
        if isinstance(node, Variable):
            return Variable(node.pos, node.names + names)
        return Chain(node.pos, node, names)

    def parse_term(self) -> Node:
        tok = self.next()
        kind = tok.kind
        if kind == "field":
            return Field(tok.pos, [tok.value[1:]])
        if kind == "variable":
            self.check_var(tok.value, tok.pos)
            return Variable(tok.pos, [tok.value])
        if kind == "dot":
            return Dot(tok.pos)
        if kind in ("string", "rawstring"):
            return Literal(tok.pos, unquote(tok.value), tok.value)
        if kind in ("bool", "nil"):
            return Literal(tok.pos, None if kind == "nil" else tok.value == "true", tok.value)
        if kind in ("number", "char"):
            return Literal(tok.pos, self.number(tok), tok.value)
        if kind == "ident":
            if tok.value not in self.funcs:
                raise self.fail(tok.pos, f'function "{tok.value}" not defined')
            return Identifier(tok.pos, tok.value)
        if kind == "lparen":
            pipe = self.parse_pipe("parenthesized pipeline", False)
            self.expect("rparen", "parenthesized pipeline")
            return pipe
        raise self.fail(tok.pos, f"unexpected {_describe(tok)} in operand")

    def number(self, tok: Token) -> int | float:
        text = tok.value.replace("_", "")
        try:
            if tok.kind == "char":
                return ord(unquote('"' + tok.value[1:-1] + '"'))
            if text.lower().lstrip("+-").startswith("0x"):
                return int(text, 16)
            if re.fullmatch(r"[+-]?\d+", text):
                return int(text)
            return float(text)
        except (ValueError, TypeError):
            raise self.fail(tok.pos, f"illegal number syntax: {tok.value!r}") from None


def _describe(tok: Token) -> str:
    if tok.kind == "eof":
        return "EOF"
    if tok.kind == "rdelim":
        return '"}}"'
    return f"<{tok.value}>"


def parse(text: str, name: str, funcs: Container[str]) -> Tree:
    """Parse template text; ``funcs`` names the functions that exist (others are parse errors, as in Go)."""
    return Parser(text, name, funcs).parse()
