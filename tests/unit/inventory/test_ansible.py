"""Ansible inventories: through ``ansible-inventory --list`` when installed, and the documented subset without it.
Both readers must agree on the same files (hosts of a group with its children, merged variables, ranges)."""

from __future__ import annotations

import shutil

import pytest

from opsverify.errors import InventoryError
from opsverify.inventory import load_inventory
from opsverify.inventory.ansible import AnsibleError, AnsibleHost, group_hosts

INI = """\
[web]
web[01:03] ansible_user=deploy
db1 ansible_host=10.0.0.5 ansible_port=2222 ansible_ssh_private_key_file=/keys/db

[web:vars]
app_dir=/srv/app
ansible_user=root

[edge]
lb1 ansible_host=127.0.0.1

[prod:children]
web
edge

[prod:vars]
env=production
app_dir=/opt/default
"""

YAML = """\
all:
  vars: {env: production}
  children:
    prod:
      vars: {app_dir: /opt/default}
      children:
        web:
          vars: {app_dir: /srv/app, ansible_user: root}
          hosts:
            web[01:03]: {ansible_user: deploy}
            db1: {ansible_host: 10.0.0.5, ansible_port: 2222, ansible_ssh_private_key_file: /keys/db}
        edge:
          hosts:
            lb1: {ansible_host: 127.0.0.1}
"""

READERS = [
    False,
    pytest.param(True, marks=pytest.mark.skipif(not shutil.which("ansible-inventory"), reason="no ansible")),
]


def relevant(host: AnsibleHost) -> tuple[str, str, str | None, str, str]:
    return host.name, host.spec, host.identity_file, host.vars.get("app_dir", ""), host.vars.get("env", "")


@pytest.mark.parametrize("use_ansible", READERS)
@pytest.mark.parametrize(("name", "text"), [("hosts.ini", INI), ("hosts.yml", YAML)])
def test_a_groups_hosts_with_children_and_merged_variables(tmp_path, use_ansible, name, text):
    path = tmp_path / name
    path.write_text(text)
    prod = sorted(relevant(h) for h in group_hosts(path, "prod", use_ansible))
    assert prod == [
        ("db1", "ssh://root@10.0.0.5:2222", "/keys/db", "/srv/app", "production"),
        ("lb1", "ssh://127.0.0.1", None, "/opt/default", "production"),
        ("web01", "ssh://deploy@web01", None, "/srv/app", "production"),  # host vars beat group vars
        ("web02", "ssh://deploy@web02", None, "/srv/app", "production"),
        ("web03", "ssh://deploy@web03", None, "/srv/app", "production"),
    ]
    assert [h.name for h in group_hosts(path, "edge", use_ansible)] == ["lb1"]


@pytest.mark.parametrize("use_ansible", READERS)
def test_an_unknown_group_names_the_groups_there_are(tmp_path, use_ansible):
    path = tmp_path / "hosts.ini"
    path.write_text(INI)
    with pytest.raises(AnsibleError, match=r"has no group 'dbservers' \(groups: .*edge.*web"):
        group_hosts(path, "dbservers", use_ansible)


def test_an_inventory_group_from_ansible_becomes_hosts_entries_and_checks(tmp_path):
    (tmp_path / "fleet.ini").write_text("[web]\nweb[01:16] ansible_host=127.0.0.1 ansible_user=root\n")
    (tmp_path / "inventory.yml").write_text(
        "version: 1\n"
        "groups: [{name: web, ansible: fleet.ini, ssh: {known_hosts: /k, identity_file: /id}}]\n"
        "templates:\n"
        "  - group: web\n"
        "    hosts: {processes: [sshd]}\n"
        "    containers: [{name: app}]\n"
        "    logs: [{name: app, path: /var/log/app.log}]\n"
    )
    inv = load_inventory(tmp_path / "inventory.yml", environ={})
    assert len(inv.hosts) == len(inv.containers) == len(inv.logs) == 16
    assert (inv.hosts[0].name, inv.hosts[0].spec, inv.hosts[0].known_hosts) == ("web01", "ssh://root@127.0.0.1", "/k")
    assert inv.containers[15].name == "web16/app"


def test_a_missing_ansible_inventory_is_a_file_line_error(tmp_path):
    (tmp_path / "inventory.yml").write_text("version: 1\ngroups:\n  - name: web\n    ansible: nope.ini\n")
    with pytest.raises(InventoryError, match=r"inventory\.yml:4: groups\[0\]: Ansible inventory .*nope\.ini not found"):
        load_inventory(tmp_path / "inventory.yml", environ={})
