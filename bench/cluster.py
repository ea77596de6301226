"""A local HLD Assess site of several processes, started from the reference process definitions (issue 19).

Used by the scale-out check (bench/scale_out.py, tests/test_scale_out.py) and the load bench (bench/load.py):

- ``Site``: a throw-away PostgreSQL database (created on the server that DATABASE_URL names, named with the
  pid, dropped WITH (FORCE) at the end), a key prefix of its own on the Redis that REDIS_URL names (its keys
  deleted at the end), a temporary folder for static and media files, and the production settings as
  ``make serve`` runs them (DJANGO_DEBUG=0, DJANGO_HTTPS=0 for plain HTTP on loopback, a random secret key,
  DJANGO_ALLOWED_HOSTS=127.0.0.1);
- ``Site.start("web", port)`` / ``Site.start("worker")``: the Procfile's command line, run by ``/bin/sh`` as
  honcho and foreman run it (PORT substituted by the shell), in a process group of its own; ``Site.stop``
  sends SIGTERM (gunicorn's and db_worker's graceful stop) and kills the group only if it does not end;
- ``Browser``: a ``requests`` session that signs in (password, then the second factor when asked) and reads
  and posts forms as a browser does.

Everything is torn down in ``Site.close()`` (a context manager), whatever happened.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_DATABASE_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"


def procfile(path: Path = PROCFILE) -> dict[str, str]:
    """The process types of a Procfile: ``name: command`` lines (comments and blank lines skipped)."""
    processes = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if match:
            processes[match.group(1)] = match.group(2).strip()
    return processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql", "postgis")


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means "no Redis to share"
        return False


class Site:
    """A throw-away site: database, Redis prefix, folders, settings; processes started from the Procfile."""

    def __init__(self, database_server: str, redis_url: str | None, label: str = "site", extra_env: dict | None = None):
        parts = urlsplit(database_server)
        if not is_postgres(database_server) or parts.hostname not in LOOPBACK:
            raise ValueError(f"a PostgreSQL server on loopback is needed, not {database_server!r}")
        self.server = database_server
        self.name = f"hld_{label}_{os.getpid()}_{secrets.token_hex(3)}"
        self.database_url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.redis_url = redis_url
        self.prefix = f"hld-{label}-{os.getpid()}-{secrets.token_hex(4)}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix=f"hld-{label}-")
        self.tmp = Path(self._tmp.name)
        self.commands = procfile()
        python_bin = str(Path(sys.executable).parent)  # gunicorn and python of this virtualenv, as the units do
        self.env = {
            **{k: v for k, v in os.environ.items()
               if not k.startswith(("DJANGO_", "HLD_", "GUNICORN_", "PYTEST")) and k not in ("REDIS_URL", "CACHE_URL")},
            "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "DJANGO_SETTINGS_MODULE": "hldassess.settings",
            "DATABASE_URL": self.database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",  # plain HTTP on loopback; everything else as production
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(self.tmp / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "2",
        }
        if redis_url:
            self.env.update({"REDIS_URL": redis_url, "HLD_CACHE_KEY_PREFIX": self.prefix})
        self.env.update(extra_env or {})
        self._created = False

    # --- lifetime -------------------------------------------------------------------------------------------

    def __enter__(self):
        self.create()
        return self

    def __exit__(self, *exc):
        self.close()

    def create(self):
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        self._created = True

    def close(self):
        try:
            for name in list(self.processes):
                self.stop(name)
        finally:
            try:
                if self._created:
                    import psycopg

                    with psycopg.connect(self.server, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                    self._created = False
                if self.redis_url:
                    import redis

                    client = redis.Redis.from_url(self.redis_url)
                    for pattern in (f"{self.prefix}:*", f"{self.prefix}-throttle:*"):
                        keys = list(client.scan_iter(pattern, count=1000))
                        if keys:
                            client.delete(*keys)
            finally:
                self._tmp.cleanup()

    # --- one-off commands (as an operator runs them before the first start) ------------------------------------

    def manage(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=timeout, check=False)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def prepare(self, fixtures: tuple[str, ...] = ("hld2013",)):
        """migrate and collectstatic (at the same time), as an operator does once per site; then the fixtures.

        Static files are collected hashed but not compressed (bench/static_settings.py: compressing them
        takes most of a minute, and nothing here downloads them); the servers run the production settings.
        """
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0",
             "--settings", "bench.static_settings"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            self.manage("migrate", "--noinput", "--verbosity", "0")
            for fixture in fixtures:
                self.manage("loaddata", fixture, "--verbosity", "0")
        finally:
            output = collect.communicate(timeout=600)[0]
        if collect.returncode:
            raise RuntimeError(f"collectstatic failed:\n{output[-3000:]}")

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    # --- processes ------------------------------------------------------------------------------------------

    def start(self, kind: str, port: int | None = None, name: str | None = None) -> subprocess.Popen:
        """Start the Procfile's ``kind`` process (``web`` on ``port``) as its own process group."""
        name = name or (f"{kind}:{port}" if port else kind)
        env = {**self.env, **({"PORT": str(port)} if port else {})}
        log = self.tmp / f"{name.replace(':', '-')}.log"
        with open(log, "ab") as out:
            # exec: the shell becomes the process, so SIGTERM reaches gunicorn's master / the worker itself.
            process = subprocess.Popen(["/bin/sh", "-c", f"exec {self.commands[kind]}"], cwd=ROOT, env=env,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name], self.logs[name] = process, log
        return process

    def start_web(self, port: int | None = None, timeout: float = 60) -> str:
        """A web process on ``port`` (a free one by default), once it answers /healthz; returns its base URL."""
        return self.start_webs(1, [port] if port else None, timeout)[0]

    def start_webs(self, count: int, ports: list[int] | None = None, timeout: float = 60) -> list[str]:
        """``count`` web processes started together, once each answers /healthz; their base URLs."""
        ports = ports or [free_port() for _ in range(count)]
        for port in ports:
            self.start("web", port)
        for port in ports:
            wait_until_up(f"http://127.0.0.1:{port}", self.processes[f"web:{port}"], self.logs[f"web:{port}"], timeout)
        return [f"http://127.0.0.1:{port}" for port in ports]

    def stop(self, name: str, timeout: float = 60) -> int | None:
        """SIGTERM (graceful), then SIGKILL to the whole group if it has not ended after ``timeout`` seconds."""
        process = self.processes.pop(name)
        if process.poll() is None:
            try:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group (gunicorn's workers)
        except (ProcessLookupError, PermissionError):
            pass
        return process.wait()

    def log(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""


def wait_until_up(base: str, process: subprocess.Popen, log: Path | None = None, timeout: float = 60):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace")[-3000:] if log else ""
            raise RuntimeError(f"the process for {base} stopped while starting:\n{text}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer /healthz in {timeout:.0f} s")


# --- A browser ----------------------------------------------------------------------------------------------


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class FormReader(HTMLParser):
    """The fields of each ``<form method="post">`` as a browser submits them (like tests/page_forms.py)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self.data: dict[str, str] | None = None
        self._textarea = self._select = None
        self._text: list[str] = []
        self._first = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self.data = {}
            self.forms.append(self.data)
            return
        name = a.get("name")
        if self.data is None or "disabled" in a:
            return
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
                return
            self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first, self._chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                self.data[self._select], self._chosen = value, True

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.data = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data[self._textarea] = text.removeprefix("\n")  # as browsers read it
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._chosen and self._first is not None:
                self.data[self._select] = self._first
            self._select = None


def page_form(html: str) -> dict[str, str]:
    """The largest post form of the page (the questionnaire, not the header's sign-out form)."""
    reader = FormReader()
    reader.feed(html)
    return max(reader.forms, key=len, default={})


class SignInFailed(Exception):
    pass


def sign_in(session, base: str, username: str, password: str, code: str | None = None, timeout: float = 60):
    """Password, then the second factor if the site asks for it; whether it asked (and the code was accepted)."""
    page = session.get(f"{base}/accounts/login/", timeout=timeout)
    if page.status_code != 200:
        raise SignInFailed(f"sign-in page: {page.status_code}")
    response = session.post(
        f"{base}/accounts/login/", allow_redirects=False, timeout=timeout, headers={"Referer": f"{base}/accounts/login/"},
        data={"username": username, "password": password, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
    )
    if response.status_code != 302:
        raise SignInFailed(f"sign in as {username}: {response.status_code}")
    location = response.headers.get("Location", "")
    if "/two-factor/" not in location:  # the site asks for the second factor on the first page after the password
        after = session.get(f"{base}{location}" if location.startswith("/") else location, allow_redirects=False,
                            timeout=timeout)
        location = after.headers.get("Location", "") if after.status_code == 302 else ""
    if "/two-factor/verify" in location:
        if code is None:
            raise SignInFailed(f"{username} is asked for a second factor and has none")
        verify = f"{base}/accounts/two-factor/verify"
        page = session.get(verify, timeout=timeout)
        response = session.post(verify, allow_redirects=False, timeout=timeout, headers={"Referer": verify},
                                data={"code": code, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)})
        if response.status_code != 302 or "/two-factor/" in response.headers.get("Location", ""):
            raise SignInFailed(f"second factor of {username}: {response.status_code}")
        return True
    if location:
        raise SignInFailed(f"after signing in as {username}, the site sent them to {location}")
    return False
