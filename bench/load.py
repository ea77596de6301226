"""Load (issue 7): simulated users against gunicorn + PostgreSQL on loopback, figures printed, never asserted by CI.

50 users (10 governments × focal point, 3 contributors, viewer) sign in and for
60 seconds read the overview and questionnaire pages, save round tables and
download reports (HTML and PDF, when those URLs exist), with 0.5-2 s of
"think time" between requests. Half of an editor's actions are saves; reads
are the overview, a questionnaire page, the report page and (rarer) its PDF. Then the script checks:

- zero errors: every request answered with the status expected (a save that
  someone else's save made stale is refused with a message; that is counted
  as a conflict, not an error);
- zero lost answers: every acknowledged save (302 after POST) is in the
  response history with its own unique text, and the current answer of every
  criterion is the last acknowledged save of it;

and prints p50/p95/p99 per kind of request.

Bounded and local only: gunicorn on 127.0.0.1 (production settings, plain
HTTP), a throw-away PostgreSQL database that it creates and drops, at most
200 users and 600 seconds. Run with ``make bench`` or
``python -m bench.load [--users 50] [--seconds 60]``; BENCH_DATABASE_URL
names the server (default postgres://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-Password-2026"
GOVERNMENTS = 10
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_USERS, MAX_SECONDS = 200, 600


# --- Parent: a throw-away database around a child process ---------------------------------------


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv or [])
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(server)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"bench.load runs against a database on loopback only, not {parts.hostname}.")
    name = f"hld_bench_{os.getpid()}_{secrets.token_hex(3)}"
    target = urlunsplit(parts._replace(path=f"/{name}"))
    import psycopg

    admin = psycopg.connect(server, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="hld-load-") as tmp:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
                "DJANGO_SETTINGS_MODULE": "hldassess.settings",
                "DATABASE_URL": target,
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_DEBUG": "0",
                "DJANGO_HTTPS": "0",  # gunicorn on loopback speaks plain HTTP; everything else is production
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "HLD_REQUIRE_2FA": "0",  # the simulated focal points have no authenticator app
                "DJANGO_STATIC_ROOT": f"{tmp}/static",
                "DJANGO_MEDIA_ROOT": f"{tmp}/media",
                "BENCH_TMP": tmp,
            }
            command = [sys.executable, "-m", "bench.load", "--run", "--users", str(args.users),
                       "--seconds", str(args.seconds)]
            result = subprocess.run(command, cwd=ROOT, env=env)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    if result.returncode:
        raise SystemExit(result.returncode)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if not (1 <= args.users <= MAX_USERS and 1 <= args.seconds <= MAX_SECONDS):
        parser.error(f"at most {MAX_USERS} users and {MAX_SECONDS} seconds")
    args.users = max(args.users, 1)
    return args


# --- Child: seed, serve, load, verify ---------------------------------------------------------------


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    tmp = Path(os.environ["BENCH_TMP"])
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    people, assessments = seed(args.users)
    print(f"Seeded {len(assessments)} governments and {len(people)} users in {time.perf_counter() - started:.0f} s.")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "gunicorn.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "python:hldassess.gunicorn", "hldassess.wsgi"],
        cwd=ROOT, env={**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}"}, stdout=log, stderr=subprocess.STDOUT,
    )
    # As production runs it: one document worker beside gunicorn (README "Production").
    worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--verbosity", "0"],
                              cwd=ROOT, env=os.environ, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(base, server)
        workers = os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1))
        print(f"gunicorn on {base}: {workers} workers × {os.environ.get('GUNICORN_THREADS', '4')} threads.")
        stats = load(base, people, assessments, args.seconds)
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    lost = verify(stats.acks)
    report(stats, lost, args)
    server_errors = [line for line in (tmp / "gunicorn.log").read_text().splitlines() if '"level": "ERROR"' in line]
    for line in server_errors[:5]:
        print("server:", line[:400])
    return 1 if stats.errors or lost or server_errors else 0


@dataclass
class Person:
    username: str
    role: str
    assessment_pk: int


def seed(users: int):
    """GOVERNMENTS governments, each with an assessment half answered, and `users` people spread over them."""
    from django.contrib.auth.models import User

    from assessments.models import Criterion, Government, Membership
    from assessments.workflow import AnswerInput, assessment_start, responses_save

    roles = ["focal_point", "contributor", "contributor", "contributor", "viewer"]
    governments = [
        Government.objects.create(name=f"Benchland {n}", iso3=f"XB{chr(65 + n)}", un_region="africa")
        for n in range(GOVERNMENTS)
    ]
    people, focal = [], {}
    for i in range(users):
        government = governments[i % GOVERNMENTS]
        role = roles[(i // GOVERNMENTS) % len(roles)]
        user = User.objects.create_user(f"bench-{i:03d}", password=PASSWORD)
        Membership.objects.create(user=user, government=government, role=role)
        if role == "focal_point":
            focal.setdefault(government.pk, user)
        people.append((user, government, role))
    assessments = {}
    rng = random.Random(7)
    for government in governments:
        user = focal.get(government.pk)
        if user is None:  # fewer users than governments × 1: give the government a focal point anyway
            user = User.objects.create_user(f"bench-focal-{government.pk}", password=PASSWORD)
            Membership.objects.create(user=user, government=government, role="focal_point")
        assessment = assessment_start(government=government, user=user, cycle="2026")
        criteria = list(Criterion.objects.filter(version=assessment.framework_version).order_by("code"))
        answers = [
            AnswerInput(criterion_id=c.pk, base_edit_count=0, score=rng.randint(0, 4), justification=f"Seed {c.code}")
            for c in criteria
            if rng.random() < 0.5
        ]
        responses_save(assessment=assessment, user=user, answers=answers)
        assessments[government.pk] = assessment.pk
    return [Person(u.username, role, assessments[g.pk]) for u, g, role in people], sorted(assessments.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base, server, seconds=120):
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting; see its log above.")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz in time.")


# --- The simulated users -------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The named fields of the questionnaire form as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea = self._select = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
                else:
                    self.fields.setdefault(name, None)
            elif kind not in ("submit", "button"):
                self.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields[self._textarea] = text[1:] if text.startswith("\n") else text  # as browsers read it
            self._textarea = None
        elif tag == "select":
            self._select = None


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)
    acks: list = field(default_factory=list)
    conflicts: int = 0
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind, call, expect, *args, **kwargs):
        import requests

        started = time.perf_counter()
        try:
            response = call(*args, timeout=120, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.errors.append((kind, repr(error)))
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
            if response.status_code not in expect:
                self.errors.append((kind, f"{response.status_code} {response.request.method} {response.url}"))
                return None
        return response


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class User:
    def __init__(self, person: Person, base: str, stats: Stats, reports: bool, seed: int):
        import requests

        self.person, self.base, self.stats, self.reports = person, base, stats, reports
        self.session = requests.Session()
        self.rng = random.Random(seed)
        self.saves = 0
        self.a = f"{base}/assessments/{person.assessment_pk}"

    def sign_in(self) -> bool:
        page = self.stats.timed("sign-in page", self.session.get, {200}, f"{self.base}/accounts/login/")
        if page is None:
            return False
        token = CSRF.search(page.text).group(1)
        response = self.stats.timed(
            "sign in", self.session.post, {302}, f"{self.base}/accounts/login/",
            data={"username": self.person.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        return response is not None

    def sign_out(self):
        token = self.session.cookies.get("csrftoken")
        self.stats.timed("sign out", self.session.post, {302}, f"{self.base}/accounts/logout/",
                         data={"csrfmiddlewaretoken": token}, headers={"Referer": self.base + "/"})

    def think(self):
        time.sleep(self.rng.uniform(0.5, 2.0))

    def save_round_table(self):
        number = self.rng.randint(1, 4)
        url = f"{self.a}/round-tables/{number}/"
        page = self.stats.timed("questionnaire", self.session.get, {200}, url)
        if page is None:
            return
        parser = FormFields()
        parser.feed(page.text)
        fields = {k: v for k, v in parser.fields.items() if v is not None and re.match(r"c\d+-", k)}
        criteria = sorted({int(k[1:].split("-")[0]) for k in fields})
        if not criteria:
            self.stats.errors.append(("questionnaire", f"no form fields on {url}"))
            return
        self.think()
        criterion = self.rng.choice(criteria)
        self.saves += 1
        token = f"bench {self.person.username} save {self.saves}"
        score = self.rng.randint(0, 4)
        fields.update({f"c{criterion}-answer": str(score), f"c{criterion}-justification": token})
        fields["csrfmiddlewaretoken"] = CSRF.search(page.text).group(1)
        base_edit = int(fields[f"c{criterion}-base"])
        response = self.stats.timed("save round table", self.session.post, {200, 302}, url, data=fields,
                                    headers={"Referer": url})
        if response is None:
            return
        if response.status_code == 302:
            with self.stats.lock:
                self.stats.acks.append((self.person.assessment_pk, criterion, score, token, base_edit,
                                        self.person.username))
        elif "changed since you opened this page" in response.text:
            with self.stats.lock:
                self.stats.conflicts += 1
        else:
            with self.stats.lock:
                self.stats.errors.append(("save round table", f"refused without a conflict: {url}"))

    def read(self):
        kind = self.rng.choices(["overview", "questionnaire", "report", "report pdf"],
                                weights=[4, 4, 2 if self.reports else 0, 0.5 if self.reports else 0])[0]
        url = {
            "overview": f"{self.a}/",
            "questionnaire": f"{self.a}/round-tables/{self.rng.randint(1, 4)}/",
            "report": f"{self.a}/report/",
            "report pdf": f"{self.a}/report.pdf",
        }[kind]
        # A document not rendered yet answers 302 to its "being prepared" page.
        self.stats.timed(kind, self.session.get, {200, 302} if kind == "report pdf" else {200}, url)

    def loop(self, deadline: float, start_gate: threading.Barrier):
        start_gate.wait()
        time.sleep(self.rng.uniform(0, 2))  # people do not all arrive in the same second
        if not self.sign_in():
            return
        while time.monotonic() < deadline:
            self.think()
            if self.person.role != "viewer" and self.rng.random() < 0.5:
                self.save_round_table()
            else:
                self.read()
            if self.rng.random() < 0.03:
                self.sign_out()
                if not self.sign_in():
                    return


def load(base, people, assessments, seconds) -> Stats:
    import requests

    stats = Stats()
    probe = requests.Session()
    user = User(people[0], base, stats, reports=False, seed=0)
    user.session = probe
    user.sign_in()
    reports = probe.get(f"{base}/assessments/{people[0].assessment_pk}/report/", timeout=120).status_code != 404
    if not reports:
        print("The report URLs answer 404: report downloads are skipped.")
    stats.latencies.clear()

    gate = threading.Barrier(len(people))
    deadline = time.monotonic() + seconds + 2
    threads = [
        threading.Thread(target=User(p, base, stats, reports, seed=i).loop, args=(deadline, gate), daemon=True)
        for i, p in enumerate(people)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 300)
    stats.wall = time.monotonic() - started
    return stats


# --- Checks and figures ------------------------------------------------------------------------------------


def verify(acks) -> list[str]:
    """Every acknowledged save is in the history, and each criterion holds its last acknowledged save."""
    from django.db import connections

    from assessments.models import Response

    connections.close_all()
    lost = []
    history = set(
        Response.history.filter(justification__startswith="bench ").values_list(
            "assessment_id", "criterion_id", "score", "justification", "history_user__username"
        )
    )
    last: dict[tuple[int, int], tuple] = {}
    for assessment, criterion, score, token, base_edit, username in acks:
        if (assessment, criterion, score, token, username) not in history:
            lost.append(f"not in the history: {token}")
        key = (assessment, criterion)
        if key not in last or base_edit > last[key][4]:
            last[key] = (assessment, criterion, score, token, base_edit, username)
    current = {
        (r.assessment_id, r.criterion_id): (r.score, r.justification)
        for r in Response.objects.filter(assessment_id__in={a for a, *_ in acks})
    }
    for (assessment, criterion), (_, _, score, token, _, _) in last.items():
        if current.get((assessment, criterion)) != (score, token):
            lost.append(f"overwritten without a conflict: {token} (now {current.get((assessment, criterion))})")
    return lost


def percentile(values, p):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[p - 1]


def report(stats: Stats, lost, args):
    total = sum(len(v) for v in stats.latencies.values())
    print()
    print(f"Load: {args.users} users for {args.seconds:.0f} s, {total} requests in {stats.wall:.0f} s "
          f"({total / stats.wall:.1f} per second)")
    print(f"{'request':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in ["sign-in page", "sign in", "overview", "questionnaire", "save round table", "report", "report pdf",
                 "sign out"]:
        values = stats.latencies.get(kind)
        if values:
            ms = [1000 * v for v in values]
            print(f"{kind:<18} {len(ms):>6} {percentile(ms, 50):>8.0f} {percentile(ms, 95):>8.0f} "
                  f"{percentile(ms, 99):>8.0f} {max(ms):>8.0f}")
    print()
    print(f"acknowledged saves: {len(stats.acks)}   refused as conflicts (nothing saved, person told): "
          f"{stats.conflicts}")
    print(f"errors: {len(stats.errors)}   lost answers: {len(lost)}")
    for kind, error in stats.errors[:10]:
        print(f"  error {kind}: {error}")
    for item in lost[:10]:
        print(f"  lost: {item}")


if __name__ == "__main__":
    arguments = parse_args(sys.argv[1:])
    if arguments.run:
        raise SystemExit(run(arguments))
    main(sys.argv[1:])
