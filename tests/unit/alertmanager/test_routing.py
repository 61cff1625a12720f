from __future__ import annotations

import pytest

from opsverify.alertmanager.config import ConfigError, config_from_text
from opsverify.alertmanager.pipeline import evaluate


def receivers(config, **labels: str) -> list[str]:
    return evaluate(config, [labels])[0].receivers


def test_first_matching_child_wins_unless_continue(am) -> None:
    config = am("""
        route:
          receiver: default
          routes:
            - {matchers: [team=db], receiver: db, continue: true}
            - {matchers: ['team=~"db|web"'], receiver: shared}
            - {matchers: [team=db], receiver: never}
        """)
    assert receivers(config, team="db") == ["db", "shared"]
    assert receivers(config, team="web") == ["shared"]
    assert receivers(config, team="ops") == ["default"]


def test_nested_continue_and_fall_back_to_the_parent(am) -> None:
    config = am("""
        route:
          receiver: default
          routes:
            - matchers: [team=db]
              receiver: db
              continue: true
              routes:
                - {matchers: [severity=critical], receiver: db-pager, continue: true}
                - {matchers: [env=prod], receiver: db-prod}
            - {matchers: [team=db], receiver: db-archive}
        """)
    assert receivers(config, team="db", severity="critical", env="prod") == ["db-pager", "db-prod", "db-archive"]
    assert receivers(config, team="db") == ["db", "db-archive"]  # no child matched: the node itself delivers


def test_inherited_options_and_defaults(am) -> None:
    config = am(
        """
        route:
          receiver: default
          group_by: [alertname]
          routes:
            - matchers: [team=db]
              group_by: ['...']
              group_wait: 5s
              routes:
                - {matchers: [env=prod], group_by: []}
                - {matchers: [env=dev], group_by: [cluster], repeat_interval: 1h}
        """,
        receivers=["default"],
    )
    root, db, prod, dev = config.routes()
    assert (root.group_wait, root.group_interval, root.repeat_interval) == (30.0, 300.0, 4 * 3600.0)
    assert db.receiver == prod.receiver == "default"
    assert db.group_by_all and prod.group_by_all  # an empty list inherits, as Alertmanager does
    assert (dev.group_by, dev.group_by_all, dev.group_wait, dev.repeat_interval) == (("cluster",), False, 5.0, 3600.0)
    assert db.group_labels({"a": "1", "b": "2"}) == {"a": "1", "b": "2"}


def test_legacy_match_values_are_text_as_go_reads_them(am) -> None:
    config = am("""
        route:
          receiver: default
          routes:
            - {match: {test: 2}, receiver: two}
            - {match: {slo: yes}, receiver: slo}
            - {match_re: {job: "api|web"}, receiver: web}
        """)
    assert receivers(config, test="2") == ["two"]
    assert receivers(config, slo="yes") == ["slo"] and receivers(config, slo="true") == ["default"]
    assert receivers(config, job="api2") == ["default"]  # match_re is anchored


def test_muted_route_still_ends_matching_and_mute_intervals_are_not_inherited(am) -> None:
    config = am("""
        route:
          receiver: default
          routes:
            - matchers: [team=db]
              receiver: db
              mute_time_intervals: [always]
              routes:
                - {matchers: [env=prod], receiver: db-prod}
            - {matchers: [team=db], receiver: never}
        time_intervals:
          - name: always
            time_intervals: [{years: ["2000:2100"]}]
        """)
    (plain,) = evaluate(config, [{"team": "db"}])
    assert plain.receivers == ["db"] and plain.muted_by == ["always"] and plain.notified == []
    (child,) = evaluate(config, [{"team": "db", "env": "prod"}])
    assert child.receivers == ["db-prod"] and child.notified == ["db-prod"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("route: {receiver: nope}\nreceivers: [{name: a}]\n", 'am.yml:1: undefined receiver "nope" used in route'),
        (
            "route:\n  receiver: a\n  matchers: [x=y]\nreceivers: [{name: a}]\n",
            "am.yml:2: root route must not have any matchers",
        ),
        (
            "route:\n  receiver: a\n  routes:\n    - matchers: ['x=~\"(\"']\nreceivers: [{name: a}]\n",
            "am.yml:4: matchers: error parsing regexp: missing closing ): `^(?:()$`",
        ),
        ("route:\n  receiver: a\n  gruop_by: [x]\nreceivers: [{name: a}]\n", "am.yml:3: field gruop_by not found"),
        (
            "route:\n  receiver: a\n  routes:\n    - {receiver: a, mute_time_intervals: [x]}\nreceivers: [{name: a}]\n",
            'am.yml:4: undefined time interval "x" used in route',
        ),
        ("route:\n  receiver: a\n  group_by: ['...', x]\nreceivers: [{name: a}]\n", "am.yml:3: cannot have wildcard"),
    ],
)
def test_invalid_configs_say_file_and_line(text: str, where: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_from_text(text, "am.yml")
    assert str(info.value).startswith(where)


def test_route_path_and_key(am) -> None:
    config = am(
        """
        route:
          receiver: default
          routes:
            - matchers: [team=db]
              routes:
                - {matchers: ['severity=~"crit.*"'], receiver: pager}
        """,
        receivers=["default", "pager"],
    )
    leaf = config.routes()[-1]
    assert leaf.path_text() == 'root -> team=db -> severity=~"crit.*"'
    assert leaf.key() == '{}/{team="db"}/{severity=~"crit.*"}'


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "route:\n  receiver: a\n  group_by: alertname\nreceivers: [{name: a}]\n",
            "am.yml:3: group_by: expected a list of strings",
        ),
        (
            "route:\n  receiver: a\n  routes: {receiver: a}\nreceivers: [{name: a}]\n",
            "am.yml:3: routes: expected a list of routes",
        ),
        (
            "route: {receiver: a}\nreceivers: [{name: a}]\ninhibit_rules:\n  - equal: cluster\n",
            "am.yml:4: equal: expected a list",
        ),
        ("route: {receiver: a}\nreceivers: {name: a}\n", "am.yml:2: receivers: expected a list"),
        (
            "route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals:\n  - name: x\n    time_intervals: [weekends]\n",
            "am.yml:5: time interval 'x': expected a mapping",
        ),
    ],
)
def test_wrong_shapes_are_errors_not_silent_defaults(text: str, where: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_from_text(text, "am.yml")
    assert str(info.value).startswith(where), str(info.value)


def test_a_template_file_that_does_not_parse_refuses_the_config(tmp_path) -> None:
    (tmp_path / "bad.tmpl").write_text('{{ define "x" }}\n{{ .Foo \n')
    (tmp_path / "am.yml").write_text("templates: [bad.tmpl]\nroute: {receiver: a}\nreceivers: [{name: a}]\n")
    from opsverify.alertmanager.config import load_config
    from opsverify.errors import SourceError

    with pytest.raises(SourceError) as info:
        load_config(tmp_path / "am.yml")
    assert str(info.value) == f"{tmp_path / 'bad.tmpl'}:2: invalid template: unclosed action"


def test_durations_need_a_unit_as_in_prometheus_model() -> None:
    with pytest.raises(ConfigError, match=r'^am.yml:1: group_wait: not a valid duration string: "30"'):
        config_from_text("route: {receiver: a, group_wait: 30}\nreceivers: [{name: a}]\n", "am.yml")
    assert (
        config_from_text("route: {receiver: a, group_wait: 0}\nreceivers: [{name: a}]\n", "am.yml").route.group_wait
        == 0
    )
