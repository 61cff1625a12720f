from dataclasses import dataclass, field
from typing import Literal

import pytest

from opsverify.errors import SourceError
from opsverify.schema import Converter, Duration
from opsverify.yamlsrc import loads


@dataclass(kw_only=True)
class Inner:
    url: str
    retries: int = 1


@dataclass(kw_only=True)
class Outer:
    name: str
    timeout: Duration = Duration(5)
    level: Literal["a", "b"] = "a"
    status: int | list[int] = 200
    inner: list[Inner] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    flag: bool = False


def convert(text):
    return Converter("f.yml").dataclass(loads(text, "f.yml"), Outer, "", 1)


def error(text):
    with pytest.raises(SourceError) as info:
        convert(text)
    return str(info.value)


def test_converts_nested_values():
    out = convert("name: x\ntimeout: 1m\nstatus: [200, 204]\ninner:\n  - url: http://a\n    retries: 3\ntags: {a: b}\n")
    assert out == Outer(
        name="x", timeout=Duration(60), status=[200, 204], inner=[Inner(url="http://a", retries=3)], tags={"a": "b"}
    )


def test_unknown_key_names_line_path_and_suggestion():
    assert error("name: x\ninner:\n  - url: u\n  - url: v\n    retires: 2\n") == (
        "f.yml:5: inner[1]: unknown key 'retires' (did you mean 'retries'?)"
    )


def test_wrong_type_names_the_line_and_what_came():
    assert error("name: x\nflag: 3\n") == "f.yml:2: flag: expected true or false, got int 3"


def test_bad_duration():
    assert error("name: x\n\ntimeout: soon\n").startswith("f.yml:3: timeout: bad duration 'soon'")


def test_missing_required_key_points_at_the_mapping():
    assert error("inner:\n  - retries: 2\nname: x\n") == "f.yml:2: inner[0]: missing required key 'url'"


def test_literal_lists_choices():
    assert error("name: x\nlevel: c\n") == "f.yml:2: level: 'c' is not one of 'a', 'b'"


def test_duplicate_keys_are_errors():
    assert error("name: x\nname: y\n") == "f.yml:2: duplicate key 'name'"


def test_yaml_syntax_error_has_a_line():
    assert error("name: x\ninner: [\n").startswith("f.yml:3: invalid YAML")


def test_union_reports_the_specific_error():
    assert error("name: x\nstatus: [200, ok]\n") == "f.yml:2: status[1]: expected an integer, got string 'ok'"
    assert error("name: x\nstatus: ok\n") == "f.yml:2: status: expected an integer or a list, got string 'ok'"
