"""A stand-in for Grafana's HTTP API, for the lab and tests only: no Grafana server can be installed here.

It serves responses shaped like Grafana's documented API (the fields opsverify reads, and a few more):
``GET /api/health`` (no auth), and with basic auth (admin user) or ``Authorization: Bearer <token>``:
``/api/user``, ``/api/datasources``, ``/api/datasources/uid/<uid>/health``, ``/api/search``,
``/api/dashboards/uid/<uid>``. A wrong login gets 401 ``{"message": "Invalid username or password"}``.

Run: ``python -m opsverify.lab.grafana_standin --port 13000 --config fixtures/lab/monitoring/grafana-standin.json``
(binds 127.0.0.1 only).
"""

from __future__ import annotations

import argparse
import base64
import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, Any]


class Api:
    """The routes, as a pure function of (path, query, credentials) -> (status, JSON)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def handle(self, path: str, query: dict[str, list[str]], authorization: str | None) -> Reply:
        if path == "/api/health":
            return 200, {"commit": "standin", "database": "ok", "version": self.config.get("version", "10.4.2")}
        if not path.startswith("/api/"):
            return 404, {"message": "Not found"}
        if not self._authorized(authorization):
            return 401, {"message": "Invalid username or password"}
        parts = path.strip("/").split("/")
        if parts == ["api", "user"]:
            return 200, {"id": 1, "login": self.config.get("admin_user", "admin"), "isGrafanaAdmin": True}
        if parts == ["api", "datasources"]:
            return 200, [self._datasource(d) for d in self.config.get("datasources", [])]
        if len(parts) == 5 and parts[:3] == ["api", "datasources", "uid"] and parts[4] == "health":
            return self._health(parts[3])
        if parts == ["api", "search"]:
            return 200, self._search(query.get("query", [""])[0])
        if len(parts) == 4 and parts[:3] == ["api", "dashboards", "uid"]:
            return self._dashboard(parts[3])
        return 404, {"message": "Not found"}

    def _authorized(self, authorization: str | None) -> bool:
        if not authorization:
            return False
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return bool(self.config.get("token")) and value == self.config.get("token")
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return False
        return scheme.lower() == "basic" and (user, password) == (
            self.config.get("admin_user", "admin"),
            self.config.get("admin_password"),
        )

    @staticmethod
    def _datasource(d: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in d.items() if k != "health"}
        return {"orgId": 1, "access": "proxy", "basicAuth": False, "readOnly": False, "jsonData": {}, **shown}

    def _health(self, uid: str) -> Reply:
        for d in self.config.get("datasources", []):
            if d["uid"] == uid:
                health = d.get("health", {"status": "OK", "message": "Data source is working"})
                return (200 if health["status"] == "OK" else 400), health
        return 404, {"message": "Data source not found"}

    def _search(self, text: str) -> list[dict[str, Any]]:
        found = [d for d in self.config.get("dashboards", []) if text.lower() in d["title"].lower()]
        return [
            {"type": "dash-db", "url": f"/d/{d['uid']}", "uri": f"db/{d['uid']}", "isStarred": False, **d}
            for d in found
        ]

    def _dashboard(self, uid: str) -> Reply:
        for d in self.config.get("dashboards", []):
            if d["uid"] == uid:
                board = {"id": d["id"], "uid": uid, "title": d["title"], "tags": d.get("tags", []), "panels": []}
                meta = {"type": "db", "slug": uid, "url": f"/d/{uid}", "folderTitle": d.get("folderTitle", "")}
                return 200, {"dashboard": board, "meta": meta}
        return 404, {"message": "Dashboard not found"}


def make_server(port: int, config: dict[str, Any]) -> ThreadingHTTPServer:
    api = Api(config)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            status, doc = api.handle(url.path, urllib.parse.parse_qs(url.query), self.headers.get("Authorization"))
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=13000)
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    with open(args.config) as f:
        config = json.load(f)
    make_server(args.port, config).serve_forever()


if __name__ == "__main__":
    main()
