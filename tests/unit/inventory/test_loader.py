import pytest

from opsverify.errors import InventoryError
from opsverify.inventory import load_inventory
from opsverify.masking import MASKER, mask
from opsverify.paths import default_inventory

BASE = """\
version: 1
environments:
  staging:
    vars: {HOST: "127.0.0.1:8001", API_TOKEN: "stg-token-123"}
  production:
    vars: {HOST: "127.0.0.1:9001"}
default_environment: staging
http:
  - name: api
    url: http://${HOST}/health
    headers: {Authorization: "Bearer ${API_TOKEN:-none}"}
    timeout: ${TIMEOUT:-3s}
"""


@pytest.fixture
def inv(tmp_path):
    def write(text):
        path = tmp_path / "inventory.yml"
        path.write_text(text)
        return path

    return write


def test_default_environment_vars_are_interpolated(inv):
    loaded = load_inventory(inv(BASE), environ={})
    assert loaded.environment == "staging"
    assert loaded.http[0].url == "http://127.0.0.1:8001/health"
    assert loaded.http[0].timeout == 3.0


def test_env_selects_another_environment_and_defaults_apply(inv):
    loaded = load_inventory(inv(BASE), env="production", environ={})
    assert loaded.http[0].url == "http://127.0.0.1:9001/health"
    assert loaded.http[0].headers["Authorization"] == "Bearer none"


def test_process_environment_overrides_file_vars(inv):
    loaded = load_inventory(inv(BASE), environ={"HOST": "127.0.0.2:1", "TIMEOUT": "10s"})
    assert loaded.http[0].url == "http://127.0.0.2:1/health"
    assert loaded.http[0].timeout == 10.0


def test_opsverify_env_variable_picks_environment(inv):
    assert load_inventory(inv(BASE), environ={"OPSVERIFY_ENV": "production"}).environment == "production"


def test_unknown_environment_is_an_error_with_known_names(inv):
    path = inv(BASE)
    with pytest.raises(
        InventoryError, match=r"inventory.yml:2: unknown environment 'qa' \(known: production, staging\)"
    ):
        load_inventory(path, env="qa", environ={})


def test_unset_variable_without_default_names_line_and_variable(inv):
    path = inv("version: 1\nhttp:\n  - name: a\n    url: http://${NOPE}/x\n")
    with pytest.raises(InventoryError, match=r"inventory.yml:4: variable \$\{NOPE\} is not set"):
        load_inventory(path, environ={})


def test_secret_looking_variables_are_registered_for_masking(inv):
    MASKER.clear()
    load_inventory(inv(BASE), environ={})
    assert mask("header was Bearer stg-token-123") == "header was ***"  # the whole Authorization value
    assert mask("token stg-token-123 alone") == "token *** alone"


def test_secret_vars_list_marks_more_names(inv):
    text = "version: 1\nsecret_vars: [DSN]\nhttp:\n  - name: a\n    url: http://127.0.0.1/${DSN}\n"
    load_inventory(inv(text), environ={"DSN": "pg-dsn-value"})
    assert mask("x pg-dsn-value y") == "x *** y"


def test_environment_vars_are_not_in_the_repr(inv):
    loaded = load_inventory(inv(BASE), environ={})
    assert "stg-token-123" not in repr(loaded)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "inventory.yml:1: the inventory is empty"),
        ("- a\n", "inventory.yml:1: the inventory must be a mapping"),
        ("version: 2\n", "inventory.yml:1: unsupported inventory version 2"),
        ("version: 1\ncontainer: []\n", "inventory.yml:2: unknown key 'container' (did you mean 'containers'?)"),
        (
            "version: 1\ncontainers:\n  - name: a\n    max_restarts: many\n",
            "inventory.yml:4: containers[0].max_restarts: expected an integer",
        ),
        (
            "version: 1\nhttp:\n  - name: a\n    url: ftp://x\n",
            "inventory.yml:3: http[0]: url must start with http:// or https://",
        ),
        ("version: 1\nhttp:\n  - url: http://x\n", "inventory.yml:3: http[0]: missing required key 'name'"),
        (
            "version: 1\nhttp:\n  - {name: a, url: 'http://x'}\n  - {name: a, url: 'http://y'}\n",
            "inventory.yml:4: http[1]: duplicate name 'a' (first at line 3)",
        ),
        ("version: 1\ndefaults:\n  timeout: forever\n", "inventory.yml:3: defaults.timeout: bad duration 'forever'"),
        (
            "version: 1\ncontainers:\n  - name: a\n    severity: fatal\n",
            "inventory.yml:4: containers[0].severity: 'fatal' is not one of",
        ),
    ],
)
def test_bad_inventories_fail_with_file_line_and_reason(inv, tmp_path, text, message):
    with pytest.raises(InventoryError) as info:
        load_inventory(inv(text), environ={})
    assert str(info.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_missing_file_is_an_inventory_error(tmp_path):
    with pytest.raises(InventoryError, match="file not found"):
        load_inventory(tmp_path / "nope.yml", environ={})


@pytest.mark.parametrize("name", ["lab", "local"])
def test_embedded_inventories_load(name):
    assert load_inventory(default_inventory(name), environ={}).source.endswith(f"{name}.yml")


def test_secrets_written_literally_in_the_inventory_are_registered_at_load(inv):
    text = (
        "version: 1\nhttp:\n  - name: a\n    url: http://admin:Sup3rPw%40x@127.0.0.1:9/h?api_key=TOKVALUE123&page=2\n"
        "    headers: {X-Api-Key: key-literal-999, Accept: text/plain}\n"
    )
    load_inventory(inv(text), environ={})
    assert (
        mask("Sup3rPw%40x Sup3rPw@x TOKVALUE123 key-literal-999 page=2 text/plain")
        == "*** *** *** *** page=2 text/plain"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nname: 'a\x1bb'\n", "inventory.yml:2: invalid YAML: special characters are not allowed #x001b"),
        (
            "version: 1\nenvironments:\n  p:\n    vars: [a]\ndefault_environment: p\n",
            "inventory.yml:4: environments.p.vars: expected a mapping",
        ),
        ("version: 1\nrules:\n  tests: ['']\n", "inventory.yml:3: rules: empty path or glob"),
        (
            "version: 1\nhttp:\n  - {name: a, url: 'http://127.0.0.1:abc/'}\n",
            "inventory.yml:3: http[0]: bad url 'http://127.0.0.1:abc/'",
        ),
        (
            "version: 1\nhttp:\n  - {name: a, url: 'http://127.0.0.1/', method: delete}\n",
            "inventory.yml:3: http[0]: method DELETE can change the target: checks only read unless allow_write: true",
        ),
    ],
)
def test_more_bad_inventories(inv, tmp_path, text, message):
    with pytest.raises(InventoryError) as info:
        load_inventory(inv(text), environ={})
    assert str(info.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_public_defaults_are_not_masked_everywhere():
    MASKER.add("admin")
    MASKER.add("changeme")
    assert mask("test_grafana_default_admin_refused: changeme") == "test_grafana_default_admin_refused: changeme"
