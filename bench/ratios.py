"""Pages against the framework's floor (issue 19): figures printed, never asserted.

On one gunicorn (2 workers, production settings, plain HTTP on loopback), in one run:

- requests per second of /healthz, the questionnaire page (Demoland's current draft, round table 2) and the
  report page, loaded by keep-alive clients; the pages as ratios to /healthz (goal ≥ 0.3, project goal 0.5);
- server CPU per request, from /proc (utime + stime of the gunicorn workers, before and after): it drifts far
  less than throughput on a shared machine;
- the count of answers that were not 200 (a lost session redirects to sign-in: that is not a fast page);
- in process: the cold render of a 20-criterion questionnaire page (page cache empty) and the CPU of saving all
  20 criteria of that page.

``python -m bench.ratios [--root DIR] [--before DIR] [--seconds N]``: ``--root`` measures another checkout (e.g.
main's code in a second worktree) with this script; ``--before DIR`` (or ``HLD_BENCH_BEFORE``) measures that
checkout first and then this one, and prints both columns: a before/after table from the same machine in the same
run.
A throw-away SQLite database in a temporary folder; ``REDIS_URL``, when set, is passed on (shared cache).
"""

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"
TICKS = os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ratios")
    parser.add_argument("--root", default=str(ROOT), help="the checkout to measure (default: this one)")
    parser.add_argument("--seconds", type=int, default=8, help="load per page (default 8 s)")
    parser.add_argument("--before", default=os.environ.get("HLD_BENCH_BEFORE", ""),
                        help="another checkout (e.g. main in a second worktree) measured first, in the same run: "
                             "the table then has a before and an after column")
    args = parser.parse_args(argv if argv is not None else [a for a in sys.argv[1:] if a != "ratios"])
    if not args.before:
        for label, value, note in measure(Path(args.root), args.seconds):
            print(f"{label:<58} {value:>14}  {note}", flush=True)
        return
    before = measure(Path(args.before), args.seconds)
    after = measure(Path(args.root), args.seconds)
    print(f"{'':<58} {'before':>14}  {'after':>14}  notes (before | after)")
    for (label, old, old_note), (_, new, note) in zip(before, after):
        notes = f"{old_note} | {note}" if old_note != note else note
        print(f"{label:<58} {old:>14}  {new:>14}  {notes}", flush=True)


def measure(root: Path, seconds: int) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="hld-ratios-") as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "PYTHONPATH": str(root),
            "DJANGO_SETTINGS_MODULE": "hldassess.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_HTTPS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "HLD_REQUIRE_2FA": "0",
            "DJANGO_TASKS_BACKEND": "immediate",
        }
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=root, env=env, capture_output=True, text=True)
        if setup.returncode:
            raise RuntimeError(setup.stderr[-3000:])
        facts = dict(line.split("=", 1) for line in setup.stdout.split() if "=" in line)
        rows = [("code measured", root.name, f"commit {git_head(root)}")]
        rows += [("cold questionnaire render, 20 criteria (in process)", f"{float(facts['cold_ms']):.1f} ms",
                  "goal ≤ 40 ms"),
                 ("CPU of a 20-criterion save (in process)", f"{float(facts['save_ms']):.1f} ms", "goal ≤ 50 ms"),
                 ("queries of a 20-criterion save", facts["save_queries"], "")]
        rows += served(root, env, facts, seconds)
        return rows


SETUP = r"""
import os, time, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
call_command("loaddata", "hld2013", verbosity=0)
call_command("seed_demo", password="bench-password-2026", stdout=open(os.devnull, "w"))
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from assessments.models import Assessment, Criterion
from assessments.workflow import AnswerInput, responses_save
from django.contrib.auth.models import User
a = Assessment.objects.filter(government__name="Demoland", status="draft").order_by("-cycle").first()
rt = max(a.framework_version.round_tables.all(), key=lambda r: Criterion.objects.filter(theme__round_table=r).count())
criteria = list(Criterion.objects.filter(theme__round_table=rt).order_by("code"))[:20]
client = Client()
client.force_login(User.objects.get(username="demo-focal"))
url = f"/assessments/{a.pk}/round-tables/{rt.number}/"
client.get(url)
times = []
for _ in range(5):
    cache.clear()
    start = time.perf_counter(); response = client.get(url); times.append(time.perf_counter() - start)
    assert response.status_code == 200, response.status_code
user = User.objects.get(username="demo-focal")
saves, counts = [], []
for round_ in range(3):
    a = Assessment.objects.get(pk=a.pk)
    current = {r.criterion_id: r.edit_count for r in a.responses.all()}
    answers = [AnswerInput(criterion_id=c.pk, base_edit_count=current.get(c.pk, 0), score=(round_ + 1) % 5,
                           justification=f"bench {round_} {c.code}", not_applicable=False, dont_know=False)
               for c in criteria]
    with CaptureQueriesContext(connection) as q:
        start = time.process_time(); responses_save(assessment=a, user=user, answers=answers)
        saves.append(time.process_time() - start)
    counts.append(len(q.captured_queries))
print(f"cold_ms={sorted(times)[2] * 1000} save_ms={sorted(saves)[1] * 1000} save_queries={counts[-1]}")
print(f"questionnaire={url} report=/assessments/{a.pk}/report/")
"""


def git_head(root: Path) -> str:
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return out.stdout.strip() + (" + changes" if dirty else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) of gunicorn's workers, read from /proc."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def sign_in(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username=demo-focal&password={PASSWORD}"
    connection.request("POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://127.0.0.1:{port}/"})
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise RuntimeError(f"sign-in failed: {response.status}")
    return f"sessionid={session.group(1)}; csrftoken={csrf}"


def hammer(port: int, path: str, cookie: str, seconds: float, clients: int = 4) -> tuple[int, int]:
    """(answers, of which not 200) from ``clients`` keep-alive connections for ``seconds``."""
    counts, lock, stop = [0, 0], threading.Lock(), time.monotonic() + seconds

    def one():
        connection, done, bad = http.client.HTTPConnection("127.0.0.1", port), 0, 0
        while time.monotonic() < stop:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            done += 1
            bad += response.status != 200
        with lock:
            counts[0] += done
            counts[1] += bad

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts[0], counts[1]


def served(root: Path, env: dict, facts: dict, seconds: int) -> list[tuple[str, str, str]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hldassess.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--log-level", "warning"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        cookie = sign_in(port)
        pages = [("/healthz", "/healthz"), ("questionnaire page", facts["questionnaire"]),
                 ("report page", facts["report"])]
        rates = {}
        for label, path in pages:
            hammer(port, path, cookie, 1.0)  # warm: caches filled, workers imported
            cpu_before, start = workers_cpu(server.pid), time.monotonic()
            done, bad = hammer(port, path, cookie, seconds)
            elapsed, cpu = time.monotonic() - start, workers_cpu(server.pid) - cpu_before
            rates[label] = done / elapsed
            ratio = f"ratio {rates[label] / rates['/healthz']:.2f} (goal ≥ 0.3)" if label != "/healthz" else ""
            rows.append((f"{label}: req/s, server CPU per request, non-200",
                         f"{rates[label]:.0f} req/s", f"{1000 * cpu / max(done, 1):.2f} ms CPU/req, "
                         f"{bad} non-200 of {done}; {ratio}"))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    return rows


if __name__ == "__main__":
    main()
