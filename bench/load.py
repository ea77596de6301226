"""Load (issues 7 and 19): simulated users against two app servers, one PostgreSQL, one Redis and one document
worker on loopback, all started from the Procfile (bench/cluster.py); figures printed.

50 users (10 governments × a focal point, three contributors and a viewer) each sign in once (the focal
points with their second factor, as production requires) and, for 60 seconds, with 0.5-2 s of "think time"
between requests, loop over: the questionnaire page, a save of one answer through the real form (its CSRF
token and the hidden fields the merge-save needs: each criterion's base and opened digest), the report page,
and now and then a document (the brief, the full report or the Word file: 200 when stored, 302 to "being
prepared" while the worker renders it). Every request goes to the next server in turn (a load balancer with
no sticky sessions). Once all have signed in (they arrive over the first 10 seconds), a prober signs in
afresh about once a second, so that sign-in is timed while the worker renders documents (they render in the worker, not in the app servers: sign-in must not
queue behind them). At the end:

- errors: every answer that was not the one expected (200, or 302 where a redirect is the answer), counted and
  printed by kind of request; a save refused because someone else changed the same criterion since the page
  was opened is a conflict (the person is told and nothing is saved), not an error;
- lost answers: every acknowledged save (302) is in the answers' history with its own unique text, and each
  criterion holds the last acknowledged save of it;
- p50/p95/p99 per kind of request, and the sign-in p95 while a document was rendering.

``python -m bench load``; BENCH_LOAD_USERS (default 50, at most 200) and BENCH_LOAD_SECONDS (default 60, at
most 600) size it (``python -m bench.load --users 10 --seconds 15`` too). BENCH_DATABASE_URL names the
PostgreSQL server (default DATABASE_URL if PostgreSQL, else postgres://postgres@127.0.0.1:5432/postgres);
REDIS_URL the Redis (default redis://127.0.0.1:6379/14; without one answering, the embedded default: page
cache per process, sessions in the database). Exit status 1 when there were errors or lost answers.
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import count

from bench.cluster import (
    DEFAULT_DATABASE_SERVER,
    DEFAULT_REDIS,
    SignInFailed,
    Site,
    is_postgres,
    page_form,
    redis_answers,
    sign_in,
)

PASSWORD = "bench-Password-2026"
GOVERNMENTS = 10
MAX_USERS, MAX_SECONDS = 200, 600
DOCUMENTS = ["brief", "full", "docx"]
IDLE_SECONDS = 4  # below gunicorn's keepalive (hldassess/gunicorn.py: 5 s)
ROLES = ["focal_point", "contributor", "contributor", "contributor", "viewer"]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv if argv is not None else [a for a in sys.argv[1:] if a != "load"])
    environ_db = os.environ.get("DATABASE_URL", "")
    database = os.environ.get("BENCH_DATABASE_URL") or (environ_db if is_postgres(environ_db) else "") \
        or DEFAULT_DATABASE_SERVER
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if not redis_answers(redis_url):
        print(f"No Redis answers at {redis_url}: the embedded default (page cache per process, sessions in the "
              "database).")
        redis_url = None
    with Site(database, redis_url, label="load") as site:
        started = time.perf_counter()
        site.prepare()
        seeded = json.loads(site.manage("shell", "-c", SEED.replace("USERS", str(args.users))).strip().splitlines()[-1])
        print(f"Seeded {GOVERNMENTS} governments and {args.users} users in {time.perf_counter() - started:.0f} s "
              f"(database {site.name}).")
        site.start("worker")
        servers = site.start_webs(2)
        workers = site.env.get("WEB_CONCURRENCY")
        print(f"Two app servers {', '.join(servers)} ({workers} workers × 4 threads each) and one document worker, "
              f"from the Procfile; Redis {'at ' + redis_url if redis_url else 'none'}.")
        warm_up(servers, seeded["probe"])
        stats = load(site, servers, seeded, args.seconds)
        for name in list(site.processes):
            site.stop(name)
        lost = verify(site, stats.acks)
        renders = site.sql("select status, count(*) from assessments_reportfile group by status order by status")
        server_errors = [line for name in site.logs for line in site.log(name).splitlines()
                         if '"level": "ERROR"' in line or "Traceback" in line]
    report(stats, lost, args, renders)
    for line in server_errors[:5]:
        print("server:", line[:400])
    if stats.errors or lost or server_errors:
        raise SystemExit(1)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_LOAD_USERS", "50")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", "60")))
    args = parser.parse_args(argv)
    if not (1 <= args.users <= MAX_USERS and 1 <= args.seconds <= MAX_SECONDS):
        parser.error(f"1 to {MAX_USERS} users and 1 to {MAX_SECONDS} seconds")
    return args


# Run in the site's environment (manage.py shell): GOVERNMENTS governments, each with a draft half answered,
# USERS people spread over them; the focal points enrolled in two-factor sign-in (an authenticator app and
# recovery codes), as production requires of them; a contributor of the first government as the prober.
SEED = r"""
import json, random
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from assessments.models import Criterion, Government, Membership
from assessments.two_factor import recovery_codes_replace
from assessments.workflow import AnswerInput, assessment_start, responses_save

ROLES = ["focal_point", "contributor", "contributor", "contributor", "viewer"]
users, count, password = USERS, 10, "bench-Password-2026"
governments = [Government.objects.create(name=f"Benchland {n}", iso3=f"XB{chr(65 + n)}", un_region="africa")
               for n in range(count)]
people, focal = [], {}
def person(username, government, role):
    user = User.objects.create_user(username, password=password)
    Membership.objects.create(user=user, government=government, role=role)
    codes = []
    if role == "focal_point":
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        codes = recovery_codes_replace(user=user)
        focal.setdefault(government.pk, user)
    return user, codes
for i in range(users):
    government = governments[i % count]
    role = ROLES[(i // count) % len(ROLES)]
    user, codes = person(f"bench-{i:03d}", government, role)
    people.append({"username": user.username, "role": role, "government": government.pk, "codes": codes})
probe, _ = person("bench-probe", governments[0], "contributor")
assessments, rng = {}, random.Random(7)
for government in governments:
    user = focal.get(government.pk) or person(f"bench-focal-{government.pk}", government, "focal_point")[0]
    assessment = assessment_start(government=government, user=user, cycle="2026")
    criteria = list(Criterion.objects.filter(version=assessment.framework_version).order_by("code"))
    responses_save(assessment=assessment, user=user, answers=[
        AnswerInput(criterion_id=c.pk, base_edit_count=0, score=rng.randint(0, 4), justification=f"Seed {c.code}")
        for c in criteria if rng.random() < 0.5])
    assessments[government.pk] = assessment.pk
for p in people:
    p["assessment"] = assessments[p.pop("government")]
print(json.dumps({"people": people, "probe": {"username": probe.username, "assessment": assessments[governments[0].pk]}}))
"""


# --- The simulated users -------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)  # (kind, what) → how many
    acks: list = field(default_factory=list)
    conflicts: int = 0
    signins_rendering: list = field(default_factory=list)  # sign-in seconds while the worker rendered
    signins_idle: list = field(default_factory=list)
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind, what):
        with self.lock:
            self.errors[(kind, what)] += 1

    def timed(self, kind, call, expect, url, **kwargs):
        import requests

        started = time.perf_counter()
        try:
            response = call(url, timeout=120, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            self.error(kind, f"{type(error).__name__}: {str(error)[:90]}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[kind].append(elapsed)
        if response.status_code not in expect:
            target = response.headers.get("Location", "")
            self.error(kind, f"{response.status_code}{' → ' + target.split('?')[0] if target else ''}")
            return None
        return response


class User:
    def __init__(self, person: dict, servers: list[str], stats: Stats, seed: int):
        import requests

        self.person, self.servers, self.stats = person, servers, stats
        self.session = requests.Session()
        self.rng = random.Random(seed)
        self.turn = count(seed)  # round robin over the servers, request by request
        self.saves = 0
        self.last_used: dict[str, float] = {}
        self.path = f"/assessments/{person['assessment']}"

    def next_server(self) -> str:
        """The next server in turn. A connection idle for longer than gunicorn keeps it open (keepalive 5 s)
        is dropped first, as a browser does: otherwise a request can race the server closing it."""
        server = self.servers[next(self.turn) % len(self.servers)]
        now = time.monotonic()
        if now - self.last_used.get(server, now) > IDLE_SECONDS:
            self.session.get_adapter(server).close()  # every pooled connection; cookies are kept
            self.last_used.clear()
        self.last_used[server] = now
        return server

    def sign_in(self) -> bool:
        base = self.next_server()
        started = time.perf_counter()
        try:
            sign_in(self.session, base, self.person["username"], PASSWORD,
                    code=(self.person.get("codes") or [None])[0], timeout=120)
        except (SignInFailed, OSError) as error:
            self.stats.error("sign in", str(error)[:80])
            return False
        with self.stats.lock:
            self.stats.latencies["sign in"].append(time.perf_counter() - started)
        return True

    def think(self):
        time.sleep(self.rng.uniform(0.5, 2.0))

    def questionnaire(self) -> tuple[str, str] | None:
        url = f"{self.path}/round-tables/{self.rng.randint(1, 4)}/"
        page = self.stats.timed("questionnaire", self.session.get, {200}, self.next_server() + url)
        return (url, page.text) if page is not None else None

    def save(self, url: str, html: str):
        fields = page_form(html)
        criteria = sorted({int(k[1:].split("-")[0]) for k in fields if k.endswith("-justification")})
        if not criteria or "csrfmiddlewaretoken" not in fields:
            self.stats.error("save", "no questionnaire form on the page")
            return
        criterion = self.rng.choice(criteria)
        self.saves += 1
        token = f"bench {self.person['username']} save {self.saves}"
        score = self.rng.randint(0, 4)
        fields.update({f"c{criterion}-answer": str(score), f"c{criterion}-justification": token})
        base_edit = int(fields[f"c{criterion}-base"])
        server = self.next_server()
        response = self.stats.timed("save", self.session.post, {200, 302}, server + url, data=fields,
                                    headers={"Referer": server + url})
        if response is None:
            return
        if response.status_code == 302:
            with self.stats.lock:
                self.stats.acks.append((self.person["assessment"], criterion, score, token, base_edit,
                                        self.person["username"]))
        elif "changed since you opened this page" in response.text:
            with self.stats.lock:
                self.stats.conflicts += 1
        else:
            self.stats.error("save", "200 without a conflict (refused)")

    def document(self):
        kind = self.rng.choice(DOCUMENTS)
        # A document not rendered yet (or of an older revision) answers 302 to its "being prepared" page.
        response = self.stats.timed("document", self.session.get, {200, 302},
                                    f"{self.next_server()}{self.path}/documents/{kind}/en/")
        if response is not None and response.status_code == 302 and "/status" not in response.headers["Location"]:
            self.stats.error("document", f"302 → {response.headers['Location'].split('?')[0]}")

    def loop(self, deadline: float, gate: threading.Barrier, arrivals: float, signed_in: threading.Barrier):
        gate.wait()
        time.sleep(self.rng.uniform(0, arrivals))  # people do not all arrive in the same second
        ok = self.sign_in()
        signed_in.wait()
        if not ok:
            return
        while time.monotonic() < deadline:
            self.think()
            opened = self.questionnaire()
            if opened and self.person["role"] != "viewer" and time.monotonic() < deadline:
                self.think()
                self.save(*opened)
            self.think()
            self.stats.timed("report", self.session.get, {200}, f"{self.next_server()}{self.path}/report/")
            if self.rng.random() < 0.15:
                self.think()
                self.document()


def probe_sign_ins(site: Site, servers: list[str], probe: dict, stats: Stats, deadline: float,
                   signed_in: threading.Barrier):
    """Once every user has signed in, sign in afresh about once a second, alternating servers; each timed as
    'while the worker renders' or not."""
    import requests

    signed_in.wait()
    n = 0
    rendering = "select exists (select 1 from assessments_reportfile where status = 'rendering')"
    while time.monotonic() < deadline:
        time.sleep(1.0)
        base = servers[n % len(servers)]
        n += 1
        busy = site.sql(rendering)[0][0]
        started = time.perf_counter()
        try:
            sign_in(requests.Session(), base, probe["username"], PASSWORD, timeout=120)
        except (SignInFailed, OSError) as error:
            stats.error("sign in (prober)", str(error)[:80])
            continue
        elapsed = time.perf_counter() - started
        busy = busy or site.sql(rendering)[0][0]
        with stats.lock:
            (stats.signins_rendering if busy else stats.signins_idle).append(elapsed)


def warm_up(servers: list[str], probe: dict):
    """A few requests to every gunicorn worker first (templates compiled, URLs resolved): not timed."""
    import requests

    for base in servers:
        for _ in range(int(os.environ.get("WEB_CONCURRENCY", "2")) * 4):
            requests.get(f"{base}/accounts/login/", timeout=120)
        session = requests.Session()
        sign_in(session, base, probe["username"], PASSWORD, timeout=120)
        session.get(f"{base}/assessments/{probe['assessment']}/round-tables/1/", timeout=120)
        session.get(f"{base}/assessments/{probe['assessment']}/report/", timeout=120)


def load(site: Site, servers: list[str], seeded: dict, seconds: float) -> Stats:
    stats = Stats()
    people = seeded["people"]
    gate, signed_in = threading.Barrier(len(people)), threading.Barrier(len(people) + 1)
    arrivals = min(10.0, seconds / 6)  # the users arrive over the first seconds
    deadline = time.monotonic() + seconds + arrivals
    threads = [threading.Thread(target=User(p, servers, stats, seed=i).loop,
                                args=(deadline, gate, arrivals, signed_in), daemon=True)
               for i, p in enumerate(people)]
    threads.append(threading.Thread(target=probe_sign_ins,
                                    args=(site, servers, seeded["probe"], stats, deadline, signed_in), daemon=True))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    stats.wall = time.monotonic() - started
    return stats


# --- Checks and figures ------------------------------------------------------------------------------------


def verify(site: Site, acks) -> list[str]:
    """Every acknowledged save is in the history, and each criterion holds its last acknowledged save."""
    lost = []
    history = set(site.sql(
        "select h.assessment_id, h.criterion_id, h.score, h.justification, u.username "
        "from assessments_historicalresponse h join auth_user u on u.id = h.history_user_id "
        "where h.justification like %s", ("bench %",)))
    last: dict[tuple[int, int], tuple] = {}
    for assessment, criterion, score, token, base_edit, username in acks:
        if (assessment, criterion, score, token, username) not in history:
            lost.append(f"not in the history: {token}")
        key = (assessment, criterion)
        if key not in last or base_edit > last[key][4]:
            last[key] = (assessment, criterion, score, token, base_edit, username)
    current = {(a, c): (s, j) for a, c, s, j in site.sql(
        "select assessment_id, criterion_id, score, justification from assessments_response")}
    for (assessment, criterion), (_, _, score, token, _, _) in last.items():
        if current.get((assessment, criterion)) != (score, token):
            lost.append(f"overwritten without a conflict: {token} (now {current.get((assessment, criterion))})")
    return lost


def percentile(values, p):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[p - 1]


def row(label, seconds):
    ms = [1000 * v for v in seconds]
    if not ms:
        return f"{label:<36} {0:>6}"
    return (f"{label:<36} {len(ms):>6} {percentile(ms, 50):>8.0f} {percentile(ms, 95):>8.0f} "
            f"{percentile(ms, 99):>8.0f} {max(ms):>8.0f}")


def report(stats: Stats, lost, args, renders):
    total = sum(len(v) for v in stats.latencies.values()) + len(stats.signins_rendering) + len(stats.signins_idle)
    print()
    print(f"Load: {args.users} users for {args.seconds:.0f} s on two servers, {total} requests in {stats.wall:.0f} s "
          f"({total / stats.wall:.1f} per second)")
    print(f"{'request':<36} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in ["sign in", "questionnaire", "save", "report", "document"]:
        print(row(kind + (" (each user, once)" if kind == "sign in" else ""), stats.latencies.get(kind, [])))
    print(row("sign in (prober) while rendering", stats.signins_rendering))
    print(row("sign in (prober), worker idle", stats.signins_idle))
    print()
    print(f"documents at the end: {', '.join(f'{n} {s}' for s, n in renders) or 'none'} (rendered by the worker)")
    print(f"acknowledged saves: {len(stats.acks)}   refused as conflicts (nothing saved, person told): "
          f"{stats.conflicts}")
    print(f"errors: {sum(stats.errors.values())}   lost answers: {len(lost)}")
    for (kind, what), n in stats.errors.most_common(20):
        print(f"  error {kind}: {what} × {n}")
    for item in lost[:10]:
        print(f"  lost: {item}")


if __name__ == "__main__":
    main()
