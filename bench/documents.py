"""Document benchmarks (issue 14): brief, full report and Word file of the demo assessments; figures, never asserted.

For each demo assessment: pages, size and render time of the brief (WeasyPrint), the full report (WeasyPrint) and
the Word file (python-docx), in a warm process (one render of each first, not timed), against headless Chromium
printing the same HTML (``chromium --headless --print-to-pdf``, the whole process), run alternately in the same
run so that both see the same machine load. Goals: brief ≤ 1.0 × Chromium, full report ≤ 2.5 × Chromium.

``python -m bench documents`` (or ``make bench``); ``BENCH_KEEP=DIR`` keeps every file there for a look.
"""

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3  # timed renders of each document of the main assessment (Demoland 2026); others once
GOALS = {"brief": 1.0, "full": 2.5}


def main() -> None:
    """Run in a child process whose environment points Django at a fresh database (as bench/report.py does)."""
    keep = os.environ.get("BENCH_KEEP", "")
    with tempfile.TemporaryDirectory(prefix="hld-bench-docs-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_LOG_LEVEL": "WARNING",
            "BENCH_TMP": tmp,
            "BENCH_KEEP": keep,
        }
        subprocess.run([sys.executable, "-m", "bench.documents", "--run"], cwd=ROOT, env=env, check=True)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def docx_pages(content: bytes) -> str:
    """Word counts pages when it opens a file; python-docx cannot, so this is LibreOffice's count, if installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return "—"
    tmp = Path(tempfile.mkdtemp(dir=os.environ["BENCH_TMP"]))
    (tmp / "brief.docx").write_bytes(content)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(tmp / "brief.docx")], check=True, capture_output=True, timeout=300)
    return str(pdf_pages((tmp / "brief.pdf").read_bytes()))


def chromium_print(html: str, name: str) -> tuple[float, bytes]:
    """Time the whole ``chromium --headless --print-to-pdf`` process, as a render service would run it."""
    from assessments.pdf import STATIC_DIR

    tmp = Path(os.environ["BENCH_TMP"])
    source = tmp / f"{name}.html"
    source.write_text(html.replace("<head>", f'<head><base href="{STATIC_DIR.as_uri()}/">', 1))
    target = tmp / f"{name}.chromium.pdf"
    start = time.perf_counter()
    subprocess.run(
        [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={tmp}/chromium-profile",
         "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
    )
    return time.perf_counter() - start, target.read_bytes()


def timed(render, report) -> tuple[float, bytes]:
    start = time.perf_counter()
    content = render(report)
    return time.perf_counter() - start, content


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hldassess.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from assessments.docx import render_docx
    from assessments.models import Assessment
    from assessments.pdf import render_brief_html, render_brief_pdf, render_full_html, render_full_pdf
    from assessments.reports import build_report

    call_command("migrate", verbosity=0)
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("seed_demo", password="bench-password-2026", stdout=open(os.devnull, "w"))
    chromium = shutil.which("chromium")
    keep = Path(os.environ["BENCH_KEEP"]) if os.environ.get("BENCH_KEEP") else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)

    assessments = list(Assessment.objects.select_related("government").order_by("government__name", "-cycle"))
    reports = {f"{a.government.name} {a.cycle} ({a.get_status_display().lower()})": build_report(a)
               for a in assessments}
    main_label = next(label for label in reports if label.startswith("Demoland 2026"))
    warm = reports[main_label]
    render_brief_pdf(warm), render_full_pdf(warm), render_docx(warm)  # warm the process: fonts, templates, imports

    rows = []
    for label, report in reports.items():
        repeats = REPEATS if label == main_label else 1
        times: dict[str, list[float]] = {k: [] for k in ("brief", "brief-chromium", "full", "full-chromium", "docx")}
        files: dict[str, bytes] = {}
        html = {"brief": render_brief_html(report), "full": render_full_html(report)}
        for _ in range(repeats):  # alternated: WeasyPrint, Chromium, WeasyPrint, Chromium, ...
            for kind, render in (("brief", render_brief_pdf), ("full", render_full_pdf)):
                seconds, files[kind] = timed(render, report)
                times[kind].append(seconds)
                if chromium:
                    seconds, files[f"{kind}-chromium"] = chromium_print(html[kind], kind)
                    times[f"{kind}-chromium"].append(seconds)
            seconds, files["docx"] = timed(render_docx, report)
            times["docx"].append(seconds)
        if keep:
            stem = label.split(" (")[0].replace(" ", "-")
            for kind, content in files.items():
                (keep / f"{stem}-{kind}.{'docx' if kind == 'docx' else 'pdf'}").write_bytes(content)
        for kind in ("brief", "full"):
            median = statistics.median(times[kind])
            pages = pdf_pages(files[kind])
            if chromium:
                chrome = statistics.median(times[f"{kind}-chromium"])
                ratio = median / chrome
                verdict = "met" if ratio <= GOALS[kind] else "not met"
                rows.append((label, kind, pages, len(files[kind]) // 1024, f"{median:.2f}",
                             f"{chrome:.2f} ({pdf_pages(files[f'{kind}-chromium'])} p.)",
                             f"{ratio:.2f} (goal ≤ {GOALS[kind]}: {verdict})", repeats))
            else:
                rows.append((label, kind, pages, len(files[kind]) // 1024, f"{median:.2f}", "skipped (no chromium)",
                             "—", repeats))
        with zipfile.ZipFile(io.BytesIO(files["docx"])) as package:
            pictures = sum(name.startswith("word/media/") for name in package.namelist())
        rows.append((label, "Word", docx_pages(files["docx"]), len(files["docx"]) // 1024,
                     f"{statistics.median(times['docx']):.2f}", "—", f"{pictures} picture(s)", repeats))
    print_table(rows)


def print_table(rows) -> None:
    headers = ("assessment", "document", "pages", "KiB", "render s (median)", "Chromium s (pages)", "ratio", "n")
    print()
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


if __name__ == "__main__":
    if "--run" in sys.argv:
        run()
    else:
        main()
