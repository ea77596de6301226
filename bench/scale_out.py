"""Scale-out (issue 19): two app servers, one PostgreSQL, one Redis, one document worker, all from the Procfile.

On a throw-away PostgreSQL database (migrated, the framework fixture and ``seed_demo`` loaded) and a key prefix
of its own on Redis, two gunicorn servers (A and B, on two free loopback ports) and one ``db_worker`` are
started from the Procfile's command lines (bench/cluster.py), with the production settings as ``make serve``
runs them (plain HTTP on loopback). The demo focal point signs in on A with the password and a recovery code
(two-factor sign-in is on, as in production), then:

1. the session made on A works on B (the verified second factor included);
2. a save through A is seen at once through B (B's questionnaire page, read just before the save, shows the
   new value just after it: no stale page from a cache), and the other way round;
3. a document (the brief, PDF) requested on A and at once on B is claimed once (one ReportFile row, one task),
   rendered once by the worker, and served by A and by B with the same bytes;
4. server A is stopped (SIGTERM, gunicorn's graceful stop) while saves are going through it: every save it
   acknowledged (302) is in the database and on B's page.

``check(site, rounds)`` raises AssertionError at the first thing that does not hold; tests/test_scale_out.py
runs it with 2 rounds, ``make bench`` (``python -m bench scale_out``) with 20 and prints the timings.
Needs DATABASE_URL (or BENCH_DATABASE_URL) naming a PostgreSQL server on loopback and REDIS_URL (default
redis://127.0.0.1:6379/14 when that answers); without them it says so and does nothing.
"""

import os
import re
import threading
import time

from bench.cluster import DEFAULT_DATABASE_SERVER, DEFAULT_REDIS, Site, is_postgres, page_form, redis_answers, sign_in

PASSWORD = "scale-out-Password-2026"
FOCAL = "demo-focal"

# Run in the site's own environment (manage.py shell): the documents the demo's transitions queued are
# dropped (this check times the one document it asks for, not the demo's backlog), and the focal point is
# enrolled as on the two-factor page (an authenticator app, then recovery codes); the check signs in with a
# recovery code.
SETUP = r"""
from django.contrib.auth.models import User
from django_tasks_db.models import DBTaskResult
from assessments.models import Assessment, ReportFile
from django_otp.plugins.otp_totp.models import TOTPDevice
from assessments.two_factor import recovery_codes_replace
ReportFile.objects.all().delete()
DBTaskResult.objects.all().delete()
focal = User.objects.get(username="demo-focal")
TOTPDevice.objects.create(user=focal, name="Authenticator app", confirmed=True)
codes = recovery_codes_replace(user=focal)
draft = Assessment.objects.filter(government__name="Demoland", status="draft").order_by("-cycle").first()
print("assessment", draft.pk)
print("codes", " ".join(codes))
"""


def prepare(site: Site) -> dict:
    """Migrate, collect static files, seed the demo; the draft's pk and the focal point's recovery codes."""
    site.prepare(fixtures=())  # seed_demo loads the framework (hld2013) itself
    site.manage("seed_demo", "--password", PASSWORD)
    facts = dict(line.split(" ", 1) for line in site.manage("shell", "-c", SETUP).splitlines() if " " in line)
    return {"assessment": int(facts["assessment"]), "codes": facts["codes"].split()}


class Saver:
    """Saves one criterion of a questionnaire page through the real form (CSRF token, base and opened fields)."""

    def __init__(self, session, assessment: int, round_table: int = 1):
        self.session, self.assessment, self.round_table = session, assessment, round_table
        self.path = f"/assessments/{assessment}/round-tables/{round_table}/"

    def page(self, base: str):
        response = self.session.get(base + self.path, timeout=60, allow_redirects=False)
        assert response.status_code == 200, f"questionnaire on {base}: {response.status_code}"
        return response.text

    def criteria(self, html: str) -> list[int]:
        return sorted({int(m) for m in re.findall(r'name="c(\d+)-justification"', html)})

    def save(self, base: str, criterion: int, text: str):
        """Open the page on ``base``, change the criterion's justification, save; the POST's response."""
        html = self.page(base)
        fields = page_form(html)
        fields[f"c{criterion}-justification"] = text
        if not fields.get(f"c{criterion}-answer"):
            fields[f"c{criterion}-answer"] = "2"
        return self.session.post(base + self.path, data=fields, timeout=60, allow_redirects=False,
                                 headers={"Referer": base + self.path})


def check(site: Site, rounds: int = 2, say=print) -> dict:
    """Start A, B and the worker from the Procfile and check the four promises; timings in the result."""
    import requests

    started = time.perf_counter()
    facts = prepare(site)
    timings = {"prepare (migrate, fixtures, seed_demo, collectstatic)": time.perf_counter() - started}
    started = time.perf_counter()
    site.start("worker")
    a, b = site.start_webs(2)
    timings["start two servers and the worker"] = time.perf_counter() - started
    say(f"server A {a}, server B {b}, worker: from the Procfile; database {site.name}, Redis prefix {site.prefix}")

    # 1. A session made on A works on B.
    browser = requests.Session()
    asked = sign_in(browser, a, FOCAL, PASSWORD, code=facts["codes"][0])
    assert asked, "the production settings did not ask the focal point for the second factor"
    home_b = browser.get(f"{b}/", timeout=60, allow_redirects=False)
    assert home_b.status_code == 200, f"B answered {home_b.status_code} to the session made on A (sign-in lost)"
    assert FOCAL in home_b.text or "Amina" in home_b.text, "B's home page does not show the person signed in on A"
    say("1. session made on A (password + recovery code) works on B: yes")

    # 2. A save through one server is seen at once through the other (pages read just before, so cached).
    saver = Saver(browser, facts["assessment"])
    criteria = saver.criteria(saver.page(a))
    assert len(criteria) >= 2, "the questionnaire page has fewer than two criteria"
    visible = []
    for n in range(rounds):
        writer, reader = (a, b) if n % 2 == 0 else (b, a)
        criterion = criteria[n % len(criteria)]
        before = saver.page(reader)  # the reader's page is in the cache now
        text = f"scale-out round {n} {time.time_ns()}"
        assert text not in before
        t0 = time.perf_counter()
        response = saver.save(writer, criterion, text)
        assert response.status_code == 302, f"save {n} through {writer}: {response.status_code}"
        after = saver.page(reader)
        visible.append(time.perf_counter() - t0)
        assert text in after, f"save {n} made through {writer} is not on {reader}'s questionnaire page (stale cache)"
    timings[f"save on one server, then read on the other (mean of {rounds})"] = sum(visible) / len(visible)
    say(f"2. {rounds} saves, alternately through A and B, each seen at once on the other server: yes")

    # 3. A document requested on A (and at once on B) is rendered once, by the worker, served by both.
    document = f"/assessments/{facts['assessment']}/documents/brief/en/"
    t0 = time.perf_counter()
    first = browser.get(a + document, timeout=60, allow_redirects=False)
    also = browser.get(b + document, timeout=60, allow_redirects=False)
    assert first.status_code == 302 and "/status" in first.headers["Location"], (
        f"the brief on A answered {first.status_code}: it should be queued for the worker, not rendered in the request")
    assert also.status_code in (200, 302), also.status_code
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = site.sql("select status, error from assessments_reportfile where assessment_id = %s and kind = 'brief'",
                          (facts["assessment"],))
        if status and status[0][0] in ("ready", "failed"):
            break
        time.sleep(0.2)
    assert status and status[0][0] == "ready", f"the brief was not rendered: {status}\n{site.log('worker')[-2000:]}"
    timings["brief: requested on A until ready"] = time.perf_counter() - t0
    from_a = browser.get(a + document, timeout=60, allow_redirects=False)
    from_b = browser.get(b + document, timeout=60, allow_redirects=False)
    assert from_a.status_code == from_b.status_code == 200, (from_a.status_code, from_b.status_code)
    assert from_a.content.startswith(b"%PDF") and from_a.content == from_b.content, "A and B serve different files"
    finished = "select count(*), count(*) filter (where status = 'SUCCESSFUL') from django_tasks_database_dbtaskresult where task_path like %s"
    deadline = time.monotonic() + 30
    while (tasks := site.sql(finished, ("%render_document",))[0])[1] < 1 and time.monotonic() < deadline:
        time.sleep(0.1)  # the worker marks its task done just after the row is ready
    rows = site.sql("select count(*) from assessments_reportfile where assessment_id = %s and kind = 'brief'",
                    (facts["assessment"],))[0][0]
    assert rows == 1, f"{rows} ReportFile rows for one brief"
    assert tasks == (1, 1), f"render tasks (all, successful): {tasks}; one was expected"
    say(f"3. brief requested on A and B: 1 ReportFile row, 1 render task (run by the worker), "
        f"{len(from_a.content):,} bytes, the same from A and B: yes")

    # 4. Stop A while saves go through it: nothing it acknowledged is lost.
    acknowledged, refused, stop = [], [], threading.Event()
    first_ack = threading.Event()

    def keep_saving():
        session = requests.Session()
        session.cookies.update(browser.cookies)
        writer = Saver(session, facts["assessment"])
        n = 0
        while not stop.is_set():
            criterion = criteria[n % len(criteria)]
            text = f"before the stop {n} {time.time_ns()}"
            try:
                response = writer.save(a, criterion, text)
            except requests.ConnectionError:  # A is gone: not acknowledged, nothing claimed
                refused.append("the connection refused or closed (not acknowledged)")
                return
            except AssertionError:  # A answered the page with something else while stopping
                return
            if response.status_code == 302:
                acknowledged.append((criterion, text))
                first_ack.set()
            else:
                refused.append(str(response.status_code))
            n += 1

    thread = threading.Thread(target=keep_saving)
    thread.start()
    try:
        assert first_ack.wait(60), "no save through A was acknowledged"
        exit_code = site.stop(f"web:{a.rsplit(':', 1)[1]}")  # SIGTERM while the loop keeps posting
    finally:
        stop.set()
        thread.join(60)
    assert exit_code == 0, f"gunicorn A did not stop gracefully (exit {exit_code})"
    last = {}
    for criterion, text in acknowledged:
        last[criterion] = text
    page_b = saver.page(b)
    for criterion, text in last.items():
        assert text in page_b, f"an acknowledged save through A is missing on B after A stopped: {text}"
    history = {row[0] for row in site.sql(
        "select justification from assessments_historicalresponse where assessment_id = %s and justification like %s",
        (facts["assessment"], "before the stop %"))}
    missing = [text for _, text in acknowledged if text not in history]
    assert not missing, f"acknowledged saves missing from the history: {missing}"
    say(f"4. A stopped by SIGTERM during saves (exit {exit_code}): {len(acknowledged)} acknowledged save(s), all in the "
        f"database and on B; after the stop: {refused[-1] if refused else 'no further request'}: yes")
    return timings


def main(argv: list[str] | None = None) -> None:
    database = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_SERVER
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if not is_postgres(database):
        print(f"scale-out skipped: {database!r} is not PostgreSQL (set BENCH_DATABASE_URL)")
        return
    if not redis_answers(redis_url):
        print(f"scale-out skipped: no Redis answers at {redis_url} (set REDIS_URL)")
        return
    rounds = int(os.environ.get("BENCH_SCALE_ROUNDS", "20"))
    with Site(database, redis_url, label="scaleout") as site:
        timings = check(site, rounds=rounds)
    for label, seconds in timings.items():
        print(f"  {label:<62} {seconds * 1000:>9.0f} ms")


if __name__ == "__main__":
    main()
