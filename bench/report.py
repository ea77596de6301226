"""Report benchmarks (issue 5): figures printed as a table, never asserted.

1. Cold PDF render of the full Demoland report with WeasyPrint, and the same
   HTML printed by headless Chromium (Debian's package), as a ratio.
2. Per document kind: the first request (claimed and queued), the render in a
   warm worker, and the stored file served again.
3. Throughput of the report page and of a questionnaire page against /healthz,
   served by gunicorn on loopback and loaded with wrk, as ratios.
4. SQL queries of the questionnaire and report pages for a 60- and a
   240-criterion framework.

Runs in a throw-away SQLite database in a temporary folder; run it with
``make bench`` (or ``python -m bench.report``).
"""

import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"


def main() -> None:
    """Run the benchmark in a child process whose environment points Django at a fresh database."""
    with tempfile.TemporaryDirectory(prefix="hld-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_HTTPS": "0",  # gunicorn on loopback speaks plain HTTP
            "DJANGO_LOG_LEVEL": "WARNING",
            "HLD_REQUIRE_2FA": "0",  # the simulated focal points have no authenticator app
            "BENCH_TMP": tmp,
        }
        subprocess.run([sys.executable, "-m", "bench.report", "--run", *sys.argv[1:]], cwd=ROOT, env=env, check=True)


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hldassess.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off: hashed static names
    call_command("migrate", verbosity=0)
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("seed_demo", password=PASSWORD, stdout=open(os.devnull, "w"))

    rows: list[tuple[str, str, str]] = []
    if "--documents" in sys.argv:  # python -m bench.report --documents: the documents' pipeline only
        print_table(cached_download_figures())
        return
    rows += pdf_render_figures()
    rows += cached_download_figures()
    rows += throughput_figures()
    rows += query_figures()
    print_table(rows)


# --- 1. Cold render: WeasyPrint against Chromium ---------------------------------------


def demoland():
    from assessments.models import Assessment

    return Assessment.objects.select_related("government", "framework_version").get(
        government__name="Demoland", cycle="2026"
    )


def pdf_render_figures() -> list[tuple[str, str, str]]:
    from assessments.pdf import STATIC_DIR, render_report_html, render_report_pdf
    from assessments.reports import build_report

    report = build_report(demoland())
    weasy = []
    for _ in range(3):
        start = time.perf_counter()
        pdf = render_report_pdf(report)
        weasy.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    rows = [("PDF render, WeasyPrint (median of 3)", f"{statistics.median(weasy):.2f} s", f"{len(pdf) // 1024} KiB")]

    chromium = shutil.which("chromium")
    if not chromium:
        rows.append(("PDF render, Chromium", "skipped", "chromium not installed (apt-get install chromium)"))
        return rows
    tmp = Path(os.environ["BENCH_TMP"])
    html = render_report_html(report).replace("<head>", f'<head><base href="{STATIC_DIR.as_uri()}/">', 1)
    source = tmp / "report.html"
    source.write_text(html)
    times = []
    for n in range(3):
        target = tmp / f"chromium-{n}.pdf"
        start = time.perf_counter()
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={tmp}/chromium-profile",
             "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )
        times.append(time.perf_counter() - start)
    chromium_median = statistics.median(times)
    rows.append(("PDF render, Chromium --print-to-pdf (median of 3, incl. start-up)", f"{chromium_median:.2f} s",
                 f"{target.stat().st_size // 1024} KiB"))
    rows.append(("PDF render ratio WeasyPrint / Chromium (goal ≤ 1)", f"{statistics.median(weasy) / chromium_median:.2f}",
                 f"{pages} pages"))
    return rows


# --- 2. The documents' pipeline: claim, render in the worker, serve from storage -----------------------


def cached_download_figures() -> list[tuple[str, str, str]]:
    """Per document kind: the first request (claims and queues, answers "being prepared"), the render as a warm
    worker runs it, and the stored file served again (what every later reader gets)."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from assessments import documents
    from assessments.models import ReportFile

    assessment = demoland()
    client = Client()
    client.force_login(User.objects.get(username="demo-focal"))
    rows = []
    for kind in documents.KINDS.values():
        url = reverse("document_download", args=[assessment.pk, kind.slug, "en"])
        start = time.perf_counter()
        first = client.get(url)
        claim = time.perf_counter() - start
        document = ReportFile.objects.get(assessment=assessment, revision=assessment.revision, kind=kind.slug)
        start = time.perf_counter()
        if not document.is_ready:  # the database backend queued it: run it as `manage.py db_worker` does
            documents.render_document.call(document.pk)
        render = time.perf_counter() - start
        content = b"".join(client.get(url).streaming_content)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200 and body == content
        rows += [
            (f"{kind.label}: first request (claims and queues it; {first.status_code})", f"{claim * 1000:.0f} ms", ""),
            (f"{kind.label}: render in a warm worker", f"{render:.2f} s", f"{len(content) // 1024} KiB"),
            (f"{kind.label}: stored, served (median of 20; goal < 50 ms)", f"{statistics.median(times) * 1000:.1f} ms",
             f"p95 {sorted(times)[18] * 1000:.1f} ms"),
        ]
    return rows


# --- 3. Throughput under gunicorn -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(port: int) -> str:
    """Sign in through the real login form and return the session cookie."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "demo-focal", "password": PASSWORD})
    request = urllib.request.Request(f"{base}/accounts/login/", data=data.encode(), headers={"Referer": f"{base}/"})
    opener.open(request).read()
    cookies = {c.name: c.value for c in jar}
    return f"sessionid={cookies['sessionid']}"


def wrk(url: str, cookie: str, seconds: int = 10) -> float:
    output = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk got errors from {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def throughput_figures() -> list[tuple[str, str, str]]:
    if not shutil.which("wrk"):
        return [("Throughput ratios", "skipped", "wrk not installed (apt-get install wrk)")]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hldassess.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--log-level", "warning"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        cookie = session_cookie(port)
        assessment = demoland()
        base = f"http://127.0.0.1:{port}"
        health = wrk(f"{base}/healthz", cookie)
        report = wrk(f"{base}/assessments/{assessment.pk}/report/", cookie)
        questionnaire = wrk(f"{base}/assessments/{assessment.pk}/round-tables/2/", cookie)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    return [
        ("Throughput /healthz (gunicorn, 2 workers, wrk 8 connections, 10 s)", f"{health:.0f} req/s", ""),
        ("Throughput report page", f"{report:.1f} req/s", f"ratio {report / health:.3f} (goal ≥ 0.3)"),
        ("Throughput questionnaire page (RT2)", f"{questionnaire:.1f} req/s",
         f"ratio {questionnaire / health:.3f} (goal ≥ 0.3)"),
    ]


# --- 4. Queries per page, by framework size -----------------------------------------------------


def query_figures() -> list[tuple[str, str, str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment
    from tests.factories import answer_all, make_assessment, make_framework, make_government, make_user

    rows = []
    counts = {}
    for size in (60, 240):
        # 4 round tables × 5 themes × n criteria = 60 or 240 criteria.
        framework = make_framework(status="published", round_tables=4, themes_per_round_table=5,
                                   criteria_per_theme=size // 20, code=f"bench-{size}")
        government = make_government(f"Benchland {size}", f"XB{'A' if size == 60 else 'B'}")
        user = make_user(f"bench-{size}", government=government, role="focal_point")
        previous = make_assessment(government=government, framework=framework, cycle="2024")
        answer_all(previous, score=1)
        Assessment.objects.filter(pk=previous.pk).update(status="approved")
        assessment = make_assessment(government=government, framework=framework)
        answer_all(assessment, score=3)
        client = Client()
        client.force_login(user)
        for name, url in (("questionnaire", f"/assessments/{assessment.pk}/round-tables/1/"),
                          ("report", f"/assessments/{assessment.pk}/report/")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[(name, size)] = len(queries)
    for name in ("questionnaire", "report"):
        equal = "equal" if counts[(name, 60)] == counts[(name, 240)] else "NOT equal"
        rows.append((f"SQL queries, {name} page, 60 / 240 criteria", f"{counts[(name, 60)]} / {counts[(name, 240)]}",
                     equal))
    return rows


def print_table(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print()
    print(f"| {'measure'.ljust(width)} | value | note |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for measure, value, note in rows:
        print(f"| {measure.ljust(width)} | {value} | {note} |")


if __name__ == "__main__":
    if "--run" in sys.argv:
        run()
    else:
        main()
