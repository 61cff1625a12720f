"""Groups and templates: a fleet written once, expanded into ordinary entries (validated like hand-written ones)."""

from __future__ import annotations

import pytest

from opsverify.errors import InventoryError
from opsverify.inventory import load_inventory

FLEET = """\
version: 1
hosts:
  - {name: web1, spec: "ssh://root@127.0.0.1:2201", known_hosts: /k}
  - {name: web2, spec: "ssh://root@127.0.0.1:2202", known_hosts: /k, files: [{path: /etc/hostname}]}
groups:
  - name: web
    hosts: [web1, web2]
    vars: {app_dir: /srv/app}
    host_vars: {web2: {app_dir: /opt/app}}
templates:
  - group: web
    vars: {project: shop}
    hosts: {files: [{path: "{{ app_dir }}/.env", mode: "600"}], processes: [sshd]}
    containers: [{name: calendar-redis, exec: [{command: redis-cli ping, output_match: PONG}]}]
    compose: [{project: "{{ project }}"}]
    logs: [{name: app-errors, path: "{{ app_dir }}/app.log"}, {name: redis-log, container: calendar-redis}]
    backups: [{name: db, directory: "{{ app_dir }}/backups"}]
    secrets: [{name: env, env_file: "{{ app_dir }}/.env", required: [DB_PASSWORD]}]
    http: [{name: health, url: "http://127.0.0.1:8080/{{ host }}/health"}]
"""


def load(tmp_path, text, name="inventory.yml"):
    path = tmp_path / name
    path.write_text(text)
    return load_inventory(path, environ={})


def test_one_template_becomes_the_same_checks_on_every_host_of_the_group(tmp_path):
    inv = load(tmp_path, FLEET)
    assert [c.name for c in inv.containers] == ["web1/calendar-redis", "web2/calendar-redis"]
    assert [c.host for c in inv.containers] == ["web1", "web2"]
    assert [c.name for c in inv.compose] == ["web1/shop", "web2/shop"]
    assert [(e.name, e.host, e.path) for e in inv.logs if e.path] == [
        ("web1/app-errors", "web1", "/srv/app/app.log"),
        ("web2/app-errors", "web2", "/opt/app/app.log"),  # host_vars win over the group's vars
    ]
    assert [(e.name, e.container) for e in inv.logs if e.container] == [
        ("web1/redis-log", "calendar-redis"),
        ("web2/redis-log", "calendar-redis"),
    ]
    assert [b.directory for b in inv.backups] == ["/srv/app/backups", "/opt/app/backups"]
    assert [s.name for s in inv.secrets] == ["web1/env", "web2/env"]
    assert [h.url for h in inv.http] == ["http://127.0.0.1:8080/web1/health", "http://127.0.0.1:8080/web2/health"]


def test_a_templates_host_aspects_are_added_to_each_hosts_entry(tmp_path):
    inv = load(tmp_path, FLEET)
    web1, web2 = inv.hosts
    assert [f.path for f in web1.files] == ["/srv/app/.env"]
    assert [f.path for f in web2.files] == ["/etc/hostname", "/opt/app/.env"]  # its own file stays
    assert web1.processes == web2.processes == ["sshd"]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        ('"{{ app_dir }}/app.log"', 16, "templates[0].logs: unknown variable 'nope' for host web1"),
        ("group: web\n    vars", 11, "templates[0]: group 'db' is not under groups: (known: web)"),
        ("hosts: [web1, web2]", 7, "groups[0]: host 'web3' is not under hosts: (known: web1, web2)"),
    ],
)
def test_bad_templates_are_file_line_errors(tmp_path, change, line, message):
    bad = {
        '"{{ app_dir }}/app.log"': '"{{ nope }}/app.log"',
        "group: web\n    vars": "group: db\n    vars",
        "hosts: [web1, web2]": "hosts: [web1, web3]",
    }[change]
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, FLEET.replace(change, bad, 1))
    assert f"inventory.yml:{line}: {message}" in str(caught.value)


def test_template_entries_are_validated_like_hand_written_ones(tmp_path):
    with pytest.raises(InventoryError, match=r"inventory\.yml:\d+: .*max_restarts"):
        load(tmp_path, FLEET.replace("[{name: calendar-redis,", "[{name: calendar-redis, max_restarts: -1,"))


def test_a_host_scoped_container_is_named_host_slash_name():
    from opsverify.inventory import ContainerEntry

    entry = ContainerEntry(name="calendar-redis", host="web1")
    assert entry.name == "web1/calendar-redis"
    assert ContainerEntry(name="web1/calendar-redis", host="web1").name == "web1/calendar-redis"


def test_the_readme_examples_load(tmp_path):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("## Remote hosts and fleets", 1)[1]
    hosted = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    inv = load(tmp_path, "version: 1\n" + hosted)
    assert [c.name for c in inv.containers] == ["web1/calendar-redis"] and inv.compose[0].name == "web1/calendar"
    fleet = section.split("### Groups and templates", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    inv = load(tmp_path, "version: 1\n" + fleet)
    assert [b.directory for b in inv.backups] == ["/srv/app/backups", "/opt/app/backups"]
    assert [c.name for c in inv.compose] == ["web1/calendar", "web2/calendar"]


def test_a_misspelt_template_section_points_at_its_line(tmp_path):
    with pytest.raises(InventoryError) as caught:
        load(
            tmp_path,
            FLEET.replace("    containers: [{name: calendar-redis,", "    contianers: [{name: calendar-redis,"),
        )
    assert "inventory.yml:14: templates[0]: unknown section 'contianers' (did you mean 'containers'?)" in str(
        caught.value
    )


def test_inventory_check_lists_every_target(tmp_path, capsys):
    from opsverify import cli

    (tmp_path / "inventory.yml").write_text(FLEET)
    assert cli.main(["inventory", "-i", str(tmp_path / "inventory.yml"), "check", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(
        "ok (environment: none; containers: 2, compose: 2, http: 2, hosts: 2, logs: 4, backups: 2, secrets: 2)"
    )
    assert lines[1:4] == ["containers web1/calendar-redis", "containers web2/calendar-redis", "compose web1/shop"]
    assert len(lines) == 1 + 16
