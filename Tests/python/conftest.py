"""Starts the real built server for the Python end-to-end suite and hands tests a client of each kind.

The server is `.build/debug/wc-api-server` (or $WC_API_SERVER): one per test module, on a fresh store, with a
read_write and a read key from `keys create --json`, listening on a free port (`--port 0`; the port is read from
its `listening on` line). Its standard output (the access log) goes to a file tests can read.

The store is a SQLite file in a temporary directory, or with WC_API_TEST_BACKEND=postgres a new PostgreSQL database
per module, made from a template that already has the schema, on a throw-away cluster the session starts
(scripts/postgres.sh) and stops (issue 12: the suite runs against both back ends in `make test`).
"""
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import requests
from requests_oauthlib import OAuth1
from woocommerce import API

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("WC_API_SERVER", ROOT / ".build" / "debug" / "wc-api-server"))
TIMEOUT = 10
BACKEND = os.environ.get("WC_API_TEST_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"WC_API_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}")


class PostgresCluster:
    """A throw-away PostgreSQL cluster (scripts/postgres.sh) and a template database with the store's schema."""

    TEMPLATE = "wc_template"

    def __init__(self, directory: pathlib.Path):
        directory.chmod(0o755)  # the postgres user runs the cluster inside it
        self.directory = directory / "pg"
        out = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "start", str(self.directory)],
                             check=True, capture_output=True, text=True, timeout=120).stdout
        self.url = out.strip().splitlines()[-1]
        self.psql(f"CREATE DATABASE {self.TEMPLATE}")
        # Any command brings a new database to the schema; `keys list` writes nothing else.
        subprocess.run([str(BINARY), "keys", "list", "--database", self.database_url(self.TEMPLATE)],
                       check=True, capture_output=True, timeout=60)
        self.count = 0

    def database_url(self, name):
        return self.url.rsplit("/", 1)[0] + "/" + name

    def psql(self, sql):
        subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True,
                       timeout=60)

    def new_database(self):
        """A fresh database copied from the template: the schema, no data."""
        self.count += 1
        name = f"wc_test_{os.getpid()}_{self.count}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return self.database_url(name)

    def stop(self):
        subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh"), "stop", str(self.directory)],
                       capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def postgres():
    if BACKEND != "postgres":
        yield None
        return
    # Not under pytest's own temporary directory, whose parent only root may enter.
    directory = pathlib.Path(tempfile.mkdtemp(prefix="wc-pytest-pg-"))
    cluster = PostgresCluster(directory)
    yield cluster
    cluster.stop()
    shutil.rmtree(directory, ignore_errors=True)


class Server:
    """A running `wc-api-server serve` and its keys."""

    def __init__(self, directory: pathlib.Path, postgres=None):
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: run `swift build` first (make test-python does)")
        self.database = postgres.new_database() if postgres else directory / "store.sqlite"
        self.key = self._create_key("read_write")
        self.read_key = self._create_key("read")
        self.log_path = directory / "access.log"
        self.err_path = directory / "server.err"
        with open(self.log_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(
                [str(BINARY), "serve", "--port", "0", "--database", str(self.database), "--threads", "2"],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.port = self._wait_for_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def _create_key(self, permissions):
        out = subprocess.run(
            [str(BINARY), "keys", "create", "--database", str(self.database), "--permissions", permissions, "--json"],
            check=True, capture_output=True, text=True, timeout=60).stdout
        return json.loads(out)

    def _wait_for_port(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.err_path.read_text()}")
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+) ", self.err_path.read_text())
            if match:
                port = int(match.group(1))
                with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT):
                    return port
            time.sleep(0.02)
        raise RuntimeError(f"server did not start: {self.err_path.read_text()}")

    @property
    def access_log(self) -> str:
        return self.log_path.read_text()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory, postgres):
    running = Server(tmp_path_factory.mktemp("wc-api"), postgres)
    yield running
    running.stop()
    assert running.process.returncode == 0, running.err_path.read_text()


class Client:
    """One way of calling the API: `woocommerce` (the official client, v2 OAuth in the query), `oauth1`
    (requests-oauthlib, RFC 5849 header) or `basic` (requests with Basic auth). Paths are relative to
    /wc-api/v2/."""

    def __init__(self, kind, url, key):
        self.kind = kind
        self.url = url
        self.ck, self.cs = key["consumer_key"], key["consumer_secret"]
        if kind == "woocommerce":
            self.api = API(url=url, consumer_key=self.ck, consumer_secret=self.cs, wp_api=False, version="v2",
                           timeout=TIMEOUT)
        else:
            self.auth = OAuth1(self.ck, self.cs) if kind == "oauth1" else (self.ck, self.cs)

    def request(self, method, path, data=None, params=None):
        if self.kind == "woocommerce":
            # Parameters in the order given: the server accepts the client's own signature order (issue 9).
            if method == "GET":
                return self.api.get(path, params=params)
            if method == "POST":
                return self.api.post(path, data, params=params)
            if method == "PUT":
                return self.api.put(path, data, params=params)
            if method == "DELETE":
                return self.api.delete(path, params=params)
            # The client has no patch(); its request method signs any verb the same way.
            return self.api._API__request(method, path, data, params=params)
        return requests.request(method, f"{self.url}/wc-api/v2/{path}", params=params, json=data, auth=self.auth,
                                timeout=TIMEOUT)

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def post(self, path, data, params=None):
        return self.request("POST", path, data, params)

    def put(self, path, data):
        return self.request("PUT", path, data)

    def patch(self, path, data):
        return self.request("PATCH", path, data)

    def delete(self, path):
        return self.request("DELETE", path)


@pytest.fixture(params=["woocommerce", "oauth1", "basic"])
def client(request, server):
    return Client(request.param, server.url, server.key)


def error(response):
    """The single (code, message) of a v2 error envelope."""
    body = response.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1, body
    return body["errors"][0]["code"], body["errors"][0]["message"]
