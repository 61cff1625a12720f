"""Parse-tree nodes of Go text/template; ``pos`` is the byte offset in the template text, ``str()`` as Go prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .gofmt import go_quote


@dataclass
class Node:
    pos: int


@dataclass
class Text(Node):
    text: str


@dataclass
class Field(Node):
    names: list[str]

    def __str__(self) -> str:
        return "".join("." + n for n in self.names)


@dataclass
class Variable(Node):
    names: list[str]  # names[0] is "$x", the rest are fields

    def __str__(self) -> str:
        return ".".join(self.names)


@dataclass
class Dot(Node):
    def __str__(self) -> str:
        return "."


@dataclass
class Literal(Node):
    value: Any
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Identifier(Node):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class Chain(Node):
    node: Node
    names: list[str]

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, Pipe) else str(self.node)
        return inner + "".join("." + n for n in self.names)


@dataclass
class Command(Node):
    args: list[Node]

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, Pipe) else str(a) for a in self.args)


@dataclass
class Pipe(Node):
    decl: list[str] = field(default_factory=list)
    is_assign: bool = False
    cmds: list[Command] = field(default_factory=list)

    def __str__(self) -> str:
        head = ""
        if self.decl:
            head = ", ".join(self.decl) + (" = " if self.is_assign else " := ")
        return head + " | ".join(str(c) for c in self.cmds)


@dataclass
class Action(Node):
    pipe: Pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


@dataclass
class Branch(Node):
    kind: str  # if, with, range
    pipe: Pipe
    body: list[Node]
    else_body: list[Node] | None

    def __str__(self) -> str:
        return "{{" + self.kind + " " + str(self.pipe) + "}}"


@dataclass
class TemplateCall(Node):
    name: str
    pipe: Pipe | None

    def __str__(self) -> str:
        tail = f" {self.pipe}" if self.pipe else ""
        return "{{template " + go_quote(self.name) + tail + "}}"


@dataclass
class LoopControl(Node):
    kind: str  # break, continue

    def __str__(self) -> str:
        return "{{" + self.kind + "}}"
