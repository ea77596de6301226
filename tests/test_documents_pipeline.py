"""The documents' rendering pipeline (issue 14, issue 11 items 7 and 8): claimed once, rendered off the request,
stored privately under unguessable names, served from storage, queued at submission and approval.

Tests run with the ImmediateBackend (settings: the render happens inside the request) unless they switch to the
DummyBackend (``queued`` fixture: tasks are recorded and never run), where a test runs the task itself.
``test_the_real_db_worker_renders_queued_documents`` starts ``manage.py db_worker`` against a SQLite file.
"""

import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assessments import pdf as pdf_module
from assessments.models import Assessment, Criterion, ReportFile, Response
from tests.factories import make_user, answer_all

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def kinds() -> list[str]:
    try:
        from assessments.documents import KINDS
    except ImportError:  # the code before the pipeline, which had the full report only (to see these tests fail)
        return ["full"]
    return list(KINDS)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def queued(settings):
    """Tasks are recorded, never run (as when no worker has picked them up yet); yields the enqueued results."""
    from django_tasks.signals import task_enqueued

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    results, lock = [], threading.Lock()

    def record(sender, task_result, **kwargs):
        with lock:
            results.append(task_result)

    task_enqueued.connect(record)
    yield results
    task_enqueued.disconnect(record)


def run_tasks(results):
    """Do what a worker does with the tasks recorded so far."""
    while results:
        result = results.pop(0)
        result.task.call(*result.args, **result.kwargs)


def download_url(assessment, kind, language="en"):
    return reverse("document_download", args=[assessment.pk, kind, language])


def status_url(assessment, kind, language="en"):
    return reverse("document_status", args=[assessment.pk, kind, language])


def submit(assessment):
    answer_all(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", revision=assessment.revision + 1)
    assessment.refresh_from_db()


def counting_renderer(delay: float = 0.0):
    """Wrap the full report's renderer, counting its calls (thread-safe), optionally slowed down."""
    original = pdf_module.render_full_pdf
    calls, lock = [], threading.Lock()

    def render(report):
        with lock:
            calls.append(report)
        time.sleep(delay)
        return original(report)

    return mock.patch.object(pdf_module, "render_full_pdf", side_effect=render), calls


# --- Stored files: private, unguessable (issue 11 item 7) ---------------------------------------------------


def test_the_stored_pdf_is_readable_by_its_owner_only_and_its_name_cannot_be_guessed(client, world, media_in_tmp):
    client.force_login(world.focal)
    assert client.get(reverse("report_pdf", args=[world.assessment.pk])).status_code == 200
    (stored,) = [p for p in media_in_tmp.rglob("*") if p.is_file()]
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    # The name carries a random token of at least 128 bits, beyond the assessment, kind, language and revision.
    token = re.search(r"-r\d+-([A-Za-z0-9_-]+)\.pdf$", stored.name)
    assert token and len(token.group(1)) >= 22, stored.name


def test_two_renders_of_one_document_get_unrelated_names(client, world, media_in_tmp):
    client.force_login(world.focal)
    client.get(reverse("report_pdf", args=[world.assessment.pk]))
    (first,) = media_in_tmp.rglob("*.pdf")
    Assessment.objects.filter(pk=world.assessment.pk).update(status="submitted", revision=7)
    client.get(reverse("report_pdf", args=[world.assessment.pk]))
    (second,) = media_in_tmp.rglob("*.pdf")  # the earlier revision's file is gone
    token = re.compile(r"-r\d+-([A-Za-z0-9_-]{22,})\.pdf$")
    assert token.search(first.name).group(1) != token.search(second.name).group(1)


def test_the_media_folder_is_not_served(client, world, settings, media_in_tmp):
    settings.DEBUG = True
    client.force_login(world.focal)
    client.get(reverse("report_pdf", args=[world.assessment.pk]))
    (stored,) = media_in_tmp.rglob("*.pdf")
    name = stored.relative_to(media_in_tmp).as_posix()
    assert client.get(f"/{settings.MEDIA_URL}{name}").status_code == 404


# --- One render per revision under simultaneous requests (issue 11 item 8) ---------------------------------


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a race between threads: run on PostgreSQL (DATABASE_URL), as CI does"
)


def six_at_once(world, url):
    """Six readers download at the same moment; returns their responses."""
    from django.test import Client

    start, responses = threading.Barrier(6), [None] * 6

    def download(i):
        client = Client()
        client.force_login(world.focal)
        start.wait()
        try:
            responses[i] = client.get(url)
        finally:
            connection.close()

    threads = [threading.Thread(target=download, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_six_simultaneous_first_downloads_render_once(world):
    patch, calls = counting_renderer(delay=1.0)
    with patch:
        responses = six_at_once(world, reverse("report_pdf", args=[world.assessment.pk]))
    assert len(calls) == 1
    # With an immediate backend the five others wait for the one render and get its file.
    assert [r.status_code for r in responses] == [200] * 6
    assert len({b"".join(r.streaming_content) for r in responses}) == 1
    assert ReportFile.objects.filter(assessment=world.assessment).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("kind", kinds())
def test_six_simultaneous_first_requests_queue_one_render(world, queued, kind):
    responses = six_at_once(world, download_url(world.assessment, kind))
    assert [r.status_code for r in responses] == [302] * 6  # all six are told "being prepared"
    assert {r["Location"] for r in responses} == {status_url(world.assessment, kind)}
    assert len(queued) == 1
    assert ReportFile.objects.get(assessment=world.assessment, kind=kind).status == "queued"


# --- Downloads at every access level ------------------------------------------------------------------------

VIEWS = ["document_download", "document_status"]


@pytest.mark.parametrize("kind", kinds())
@pytest.mark.parametrize("name", VIEWS + ["document_retry"])
def test_anonymous_is_sent_to_sign_in(client, world, kind, name):
    url = reverse(name, args=[world.assessment.pk, kind, "en"])
    response = client.post(url) if name == "document_retry" else client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("kind", kinds())
@pytest.mark.parametrize("name", VIEWS + ["document_retry"])
@pytest.mark.parametrize("who", ["outsider", "editor", "secretariat"])
def test_strangers_to_a_draft_get_404(client, world, editor, kind, name, who):
    client.force_login(editor if who == "editor" else getattr(world, who))
    url = reverse(name, args=[world.assessment.pk, kind, "en"])
    response = client.post(url) if name == "document_retry" else client.get(url)
    assert response.status_code == 404
    assert not ReportFile.objects.exists()  # nothing was rendered or queued for them


@pytest.mark.parametrize("kind", kinds())
@pytest.mark.parametrize("role", ["focal", "contributor", "viewer", "secretariat"])
def test_readers_of_a_submitted_assessment_download_every_document(client, world, kind, role):
    from assessments.documents import KINDS

    submit(world.assessment)
    client.force_login(getattr(world, role))
    response = client.get(download_url(world.assessment, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == KINDS[kind].content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="Alphaland-2026-{KINDS[kind].file_stem}-en.{KINDS[kind].extension}"'
    )
    # Kept by this person's browser only, revalidated on every use (ETag; tests/test_conditional_get.py).
    assert response["Cache-Control"] == "private, no-cache"
    assert len(b"".join(response.streaming_content)) > 1000


@pytest.mark.parametrize("role", ["focal", "contributor", "viewer"])
def test_members_download_a_draft(client, world, role):
    client.force_login(getattr(world, role))
    response = client.get(reverse("report_pdf", args=[world.assessment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("path", ["nosuch/en", "full/xx"])
def test_an_unknown_document_or_language_is_404(client, world, path):
    client.force_login(world.focal)
    assert client.get(f"/assessments/{world.assessment.pk}/documents/{path}/").status_code == 404
    assert client.get(f"/assessments/{world.assessment.pk}/documents/{path}/status").status_code == 404


def test_retry_takes_post_only(client, world):
    client.force_login(world.focal)
    assert client.get(reverse("document_retry", args=[world.assessment.pk, "full", "en"])).status_code == 405


# --- The stored-file path -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", kinds())
def test_a_stored_document_is_served_without_rendering_again(client, world, kind):
    client.force_login(world.viewer)
    first = client.get(download_url(world.assessment, kind))
    with mock.patch("assessments.documents.DocumentKind.render", side_effect=AssertionError("rendered again")):
        second = client.get(download_url(world.assessment, kind))
        assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
        # A conditional GET with the ETag it was given answers 304, without the file.
        third = client.get(download_url(world.assessment, kind), HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 304
    assert third["Cache-Control"] == "private, no-cache"


def test_a_document_whose_file_storage_lost_is_rendered_again(client, world):
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    stored = ReportFile.objects.get()
    stored.file.storage.delete(stored.file.name)
    response = client.get(download_url(world.assessment, "full"))
    assert response.status_code == 302  # the lost row is forgotten; the status page claims a new render
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert ReportFile.objects.get().is_ready
    assert client.get(download_url(world.assessment, "full")).status_code == 200


def test_the_download_name_is_safe_in_a_header_in_any_script(client, world):
    world.government.name = 'Côte "d\'Ivoire"\r\nX-Evil: 1'
    world.government.save()
    client.force_login(world.focal)
    response = client.get(download_url(world.assessment, "full"))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''C%C3%B4te-d-Ivoire-X-Evil-1-2026-gap-report-en.pdf"
    )


# --- The being-prepared page (a worker has not finished yet) ---------------------------------------------------


@pytest.mark.parametrize("kind", kinds())
def test_a_document_not_ready_yet_shows_being_prepared_refreshing_without_javascript(client, world, queued, kind):
    client.force_login(world.contributor)
    response = client.get(download_url(world.assessment, kind))
    assert response.status_code == 302 and response["Location"] == status_url(world.assessment, kind)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "is being prepared" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "Waiting for a worker to start." in html and 'role="status"' in html
    assert f'href="{download_url(world.assessment, kind)}"' in html
    assert "<script" not in html
    # Refreshing does not queue it again.
    client.get(status_url(world.assessment, kind))
    client.get(download_url(world.assessment, kind))
    assert len(queued) == 1
    # The reader may stop the refreshing (WCAG 2.2.1) and look again by hand.
    still = client.get(status_url(world.assessment, kind) + "?refresh=off").content.decode()
    assert "http-equiv" not in still and "Check again" in still


def test_the_page_shows_the_progress_while_rendering(client, world, queued):
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    ReportFile.objects.update(status="rendering", progress="Laying out the pages.", started_at=timezone.now())
    html = client.get(status_url(world.assessment, "full")).content.decode()
    assert "Being prepared:" in html and "Laying out the pages." in html
    assert '<meta http-equiv="refresh" content="3">' in html


def test_a_queued_document_says_how_many_are_ahead_of_it(client, world, queued):
    from tests.factories import make_assessment, make_government

    elsewhere = make_assessment(government=make_government(), framework=world.framework)
    ReportFile.objects.create(assessment=elsewhere, revision=0, kind="full", status="rendering")
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    html = client.get(status_url(world.assessment, "full")).content.decode()
    assert "One document is ahead of it in the queue." in html
    assert str(elsewhere.government) not in html


def test_once_ready_the_status_page_starts_the_download_and_links_it(client, world, queued):
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    run_tasks(queued)
    html = client.get(status_url(world.assessment, "full")).content.decode()
    url = download_url(world.assessment, "full")
    assert f'<meta http-equiv="refresh" content="0; url={url}">' in html
    assert "is ready" in html and f'href="{url}"' in html
    assert client.get(url).status_code == 200


def test_a_failed_render_says_so_and_can_be_retried(client, world, queued):
    client.force_login(world.viewer)
    client.get(download_url(world.assessment, "full"))
    with mock.patch.object(pdf_module, "render_full_pdf", side_effect=RuntimeError("font missing")), \
            pytest.raises(RuntimeError):
        run_tasks(queued)
    document = ReportFile.objects.get()
    assert document.status == "failed" and "font missing" in document.error and not document.file
    html = client.get(status_url(world.assessment, "full")).content.decode()
    assert "could not be prepared" in html and "Try again" in html and "http-equiv" not in html
    assert "font missing" not in html  # the technical reason is for the log, not the page
    assert client.get(download_url(world.assessment, "full")).status_code == 302  # no file, no new render
    assert queued == []
    response = client.post(reverse("document_retry", args=[world.assessment.pk, "full", "en"]))
    assert response.status_code == 302 and response["Location"] == status_url(world.assessment, "full")
    assert len(queued) == 1 and ReportFile.objects.get().status == "queued"
    client.post(reverse("document_retry", args=[world.assessment.pk, "full", "en"]))  # a second click queues nothing
    assert len(queued) == 1
    run_tasks(queued)
    assert ReportFile.objects.get().is_ready
    assert client.get(download_url(world.assessment, "full")).status_code == 200


def test_a_render_whose_worker_died_can_be_retried(client, world, queued):
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    ReportFile.objects.update(status="rendering", started_at=timezone.now() - timedelta(minutes=11))
    html = client.get(status_url(world.assessment, "full")).content.decode()
    assert "could not be prepared" in html
    assert "worker stopped" in ReportFile.objects.get().error


# --- Rendered before anyone asks: submission and approval -------------------------------------------------


def test_submitting_and_approving_queue_every_document(world, queued, django_capture_on_commit_callbacks):
    """Every kind, in the languages the government's members chose and the default one (not all three: a render
    nobody reads would only keep the worker from the ones people wait for)."""
    from assessments.documents import KINDS
    from assessments.models import Profile
    from assessments.workflow import assessment_approve, assessment_submit

    Profile.objects.create(user=world.viewer, language="fr")
    answer_all(world.assessment)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = assessment_submit(assessment=world.assessment, user=world.focal)
    expected = {(kind, language) for kind in KINDS for language in ("en", "fr")}
    rows = ReportFile.objects.filter(assessment=world.assessment, revision=submitted.revision)
    assert {(r.kind, r.language) for r in rows} == expected and {r.status for r in rows} == {"queued"}
    assert len(queued) == len(expected)
    with django_capture_on_commit_callbacks(execute=True):
        approved = assessment_approve(assessment=submitted, user=make_user("approver", government=world.government, role="focal_point"))
    assert approved.revision > submitted.revision
    rows = ReportFile.objects.filter(assessment=world.assessment, revision=approved.revision)
    assert {(r.kind, r.language) for r in rows} == expected
    run_tasks(queued)
    assert all(r.is_ready for r in ReportFile.objects.filter(assessment=world.assessment, revision=approved.revision))


def test_a_reader_of_an_approved_assessment_never_waits(client, world, django_capture_on_commit_callbacks):
    from assessments.workflow import assessment_approve, assessment_submit

    answer_all(world.assessment)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = assessment_submit(assessment=world.assessment, user=world.focal)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_approve(assessment=submitted, user=make_user("approver", government=world.government, role="focal_point"))
    client.force_login(world.viewer)
    with mock.patch("assessments.documents.DocumentKind.render", side_effect=AssertionError("rendered on request")):
        for kind in kinds():
            assert client.get(download_url(world.assessment, kind)).status_code == 200
    # Only the approved revision's files are kept.
    assert {r.revision for r in ReportFile.objects.all()} == {Assessment.objects.get(pk=world.assessment.pk).revision}


def test_a_failure_to_queue_does_not_undo_the_approval(world, django_capture_on_commit_callbacks):
    from assessments.workflow import assessment_submit

    answer_all(world.assessment)
    with mock.patch("assessments.documents.document_request", side_effect=RuntimeError("queue down")), \
            django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=world.assessment, user=world.focal)
    assert Assessment.objects.get(pk=world.assessment.pk).status == "submitted"


# --- A draft: on request, debounced ---------------------------------------------------------------------------


def save_an_answer(assessment, user, score):
    from assessments.workflow import AnswerInput, responses_save

    criterion = Criterion.objects.filter(version=assessment.framework_version).order_by("code").first()
    response = Response.objects.filter(assessment=assessment, criterion=criterion).first()
    responses_save(assessment=assessment, user=user, answers=[AnswerInput(
        criterion_id=criterion.pk, base_edit_count=response.edit_count if response else 0, score=score,
        justification="because")])
    assessment.refresh_from_db()


def test_a_draft_renders_at_most_once_per_interval_and_the_waiting_render_takes_the_newest_revision(
    client, world, queued, settings
):
    settings.DRAFT_RENDER_INTERVAL = 60
    client.force_login(world.contributor)
    client.get(download_url(world.assessment, "full"))
    run_tasks(queued)
    first = ReportFile.objects.get()
    assert first.is_ready
    save_an_answer(world.assessment, world.contributor, 1)
    client.get(download_url(world.assessment, "full"))
    (waiting,) = queued
    assert waiting.task.run_after is not None
    assert abs((waiting.task.run_after - first.started_at).total_seconds() - 60) < 1  # a minute after the last start
    html = client.get(status_url(world.assessment, "full")).content.decode()
    assert "at most once every 60 seconds" in html
    # Two more saves and downloads before it starts: the same waiting render takes them over.
    for score in (2, 3):
        save_an_answer(world.assessment, world.contributor, score)
        client.get(download_url(world.assessment, "full"))
    assert len(queued) == 1
    pending = ReportFile.objects.get(status="queued")
    assert pending.revision == world.assessment.revision
    run_tasks(queued)
    # The newer revision is ready; the earlier revision's file is gone.
    (only,) = ReportFile.objects.all()
    assert only.is_ready and only.revision == world.assessment.revision
    assert not first.file.storage.exists(first.file.name)


def test_a_submitted_assessment_is_not_debounced(client, world, queued):
    submit(world.assessment)
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    run_tasks(queued)
    Assessment.objects.filter(pk=world.assessment.pk).update(status="approved", revision=F("revision") + 1)
    client.get(download_url(world.assessment, "full"))
    assert queued[0].task.run_after is None


def test_a_render_that_waited_while_the_draft_changed_renders_the_current_revision(client, world, queued):
    client.force_login(world.focal)
    client.get(download_url(world.assessment, "full"))
    save_an_answer(world.assessment, world.focal, 4)
    patch, calls = counting_renderer()
    with patch:
        run_tasks(queued)
    (document,) = ReportFile.objects.all()
    assert document.is_ready and document.revision == world.assessment.revision
    assert calls[0].rows[0].score == 4


# --- The report page's download menu -------------------------------------------------------------------------


def test_the_report_page_menu_lists_every_document(client, world):
    from assessments.documents import KINDS

    client.force_login(world.viewer)
    html = client.get(reverse("report", args=[world.assessment.pk])).content.decode()
    assert '<details class="download-menu' in html
    for kind in KINDS.values():
        assert f'href="{download_url(world.assessment, kind.slug)}"' in html
        assert str(kind.label) in html
    assert f'href="{reverse("report_csv", args=[world.assessment.pk])}"' in html
    assert not ReportFile.objects.exists()  # showing the menu renders nothing


# --- The real worker ----------------------------------------------------------------------------------------------


WORKER_SETUP = """
from tests.factories import answer_all, make_assessment, make_framework, make_government
from assessments.documents import KINDS, document_request
framework = make_framework(status="published")
assessment = make_assessment(government=make_government("Workerland", "XWW"), framework=framework)
answer_all(assessment, score=3)
for kind in KINDS:
    document = document_request(assessment=assessment, kind=kind)
    print("document", document.pk, document.status)
"""


def test_the_real_db_worker_renders_queued_documents(tmp_path):
    """`manage.py db_worker`, started as production runs it, against a SQLite file: every kind queued becomes ready."""
    database = tmp_path / "worker.sqlite3"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "hldassess.settings", "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SECRET_KEY": "worker-test-key", "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"), "DJANGO_TASKS_BACKEND": "database", "DJANGO_LOG_LEVEL": "WARNING",
    }
    python = sys.executable

    def manage(*args):
        return subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                              text=True, timeout=300)

    manage("migrate", "--noinput", "-v", "0")
    lines = [line.split() for line in manage("shell", "-c", WORKER_SETUP).stdout.splitlines()]
    queued_ids = [int(words[1]) for words in lines if words[:1] == ["document"]]
    assert len(queued_ids) == len(kinds())
    assert all(words[2] == "queued" for words in lines if words[:1] == ["document"])  # the request only queued them

    def rows():
        with sqlite3.connect(database) as db:
            return db.execute("select id, kind, status, file, error from assessments_reportfile order by id").fetchall()

    worker = subprocess.Popen([python, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
                               "--no-startup-delay"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while any(r[2] in ("queued", "rendering") for r in rows()) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0]
    assert [r[0] for r in rows()] == queued_ids
    for _id, kind, status, name, error in rows():
        assert status == "ready", (kind, status, error, output[-2000:])
        stored = tmp_path / "media" / name
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert stored.stat().st_size > 1000
    assert worker.returncode == 0  # stopped gracefully by SIGTERM
