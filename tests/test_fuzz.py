"""Bad input (issue 7): random and malformed data to every form and POST endpoint, as each role.

Hypothesis sends wrong types, huge strings, unknown, missing and duplicated
fields, unicode oddities and garbage bodies to the questionnaire save, start,
submit, approve, return, sign-in and password change. For every example:

- never a 500 (the test client re-raises any exception a view lets through);
- never a partial write: either exactly what the person asked for is stored
  and the page says so, or nothing changed at all;
- always a clear message: a form error, a message, or the 400/403/404 page.

Each example runs inside a transaction that is rolled back, so every example
starts from the same database. Example counts are kept modest for CI
(``FUZZ_EXAMPLES``: 15 per role for the questionnaire, 30 for sign-in, 7 for
each of the rest, the workflow ones each sent by all six roles); set
FUZZ_EXAMPLES=500 for a long run.
"""

import os
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessments.forms import ResponseForm
from assessments.models import Assessment, Criterion, Membership, Response
from assessments.workflow import answer_digest, response_values
from tests.factories import answer_all, make_assessment

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FEW = max(4, EXAMPLES // 2)


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # nothing written to .hypothesis/; a failure prints the example to reproduce it
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


ROLES = ["anonymous", "viewer", "contributor", "focal", "outsider", "secretariat"]
SIGNED_IN = ROLES[1:]
STATUSES = ["draft", "draft-complete", "submitted", "approved"]

# --- Values ------------------------------------------------------------------------------

ODD_STRINGS = [
    "", " ", "\t", "\x00", "a\x00b", "\u202eevil", "\ufeffBOM", "e\u0301", "𝕳𝖑𝖉 🛂", "Ω≈ç√∫", "ｆｕｌｌ", "٣", "²", "߀",
    "-1", "5", "99", "1e3", "1.5", "0x10", "NaN", "None", "null", "true", "[]", "{}", "%00", "%ff", "\\u0000",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "javascript:alert(1)", "data:text/html,x",
    "=HYPERLINK(\"http://x\")", "https://example.org/" + "a" * 490, "\r\n\r\n", "9" * 5000,
]
odd_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from([201, 2001, 5001, 60_000]).map(lambda n: "x" * n),
)


@st.composite
def field(draw, valid):
    """One form field: its valid value, an odd one, missing (None) or sent several times (a list)."""
    kind = draw(st.sampled_from(["valid", "valid", "valid", "odd", "missing", "many"]))
    if kind == "valid":
        return draw(valid)
    if kind == "odd":
        return draw(odd_text)
    if kind == "missing":
        return None
    return draw(st.lists(st.one_of(valid, odd_text), min_size=2, max_size=3))


unknown_fields = st.dictionaries(
    st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["c0-answer", "c999999-answer", "c-answer", "pk", "id",
                                                                 "status", "csrfmiddlewaretoken", "user", "_method"])),
    st.one_of(odd_text, st.lists(odd_text, max_size=2)),
    max_size=3,
)


def post_data(fields: dict) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def last(value):
    """The value Django reads when a field is sent several times."""
    return value[-1] if isinstance(value, list) else value


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


# --- Fixtures and helpers ----------------------------------------------------------------------


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def user_for(world, role):
    return None if role == "anonymous" else getattr(world, "focal" if role == "focal" else role)


def client_for(world, role) -> Client:
    client = Client()
    user = user_for(world, role)
    if user is not None:
        client.force_login(user)
    return client


def set_status(assessment, status):
    if status == "draft-complete":
        answer_all(assessment)
        status = "draft"
    elif status != "draft":
        answer_all(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status=status)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_explained(response, role):
    """A request that changed nothing says why."""
    if response.status_code == 302:
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        else:
            assert messages_of(response), f"no message after a refused request to {response.wsgi_request.path}"
    elif response.status_code == 200:
        page = response.content.decode()
        assert "Nothing was saved" in page or "alert-danger" in page or "invalid-feedback" in page, page[:2000]
    elif response.status_code == 409:  # refused after the status changed: the input shown to copy
        assert "Not saved: the assessment was" in response.content.decode()
    else:
        assert response.status_code in (400, 403, 404, 405, 429), response.status_code
        if response.status_code in (403, 404):
            assert "Not allowed" in response.content.decode() or "Page not found" in response.content.decode()


def assessment_state():
    return sorted(
        Assessment.objects.values_list(
            "pk", "government_id", "cycle", "status", "revision", "submitted_by", "approved_by", "returned_by",
            "return_comment",
        )
    )


def response_state():
    rows = Response.objects.order_by("assessment", "criterion").values_list(
        "assessment", "criterion", "score", "not_applicable", "dont_know", "justification", "evidence",
        "evidence_url", "confidence", "lead_institution", "edit_count",
    )
    return list(rows), Response.history.count()


@pytest.fixture
def page(world):
    """Round table 1 of the draft, with two answers already saved (one of them twice)."""
    criteria = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code"))
    Response.objects.create(assessment=world.assessment, criterion=criteria[0], score=3, justification="Law",
                            edit_count=2)
    Response.objects.create(assessment=world.assessment, criterion=criteria[1], dont_know=True,
                            justification="No data", edit_count=1)
    other = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=2))
    return criteria, other


# --- Questionnaire save ---------------------------------------------------------------------------


def criterion_fields(c, base, opened):
    return {
        "answer": field(st.sampled_from(["", "0", "1", "2", "3", "4", "na", "dk"])),
        "justification": field(st.text(max_size=30)),
        "evidence": field(st.text(max_size=30)),
        "evidence_url": field(st.sampled_from(["", "https://example.org/law.pdf", "example.org/act", "http://a.b/c"])),
        "confidence": field(st.sampled_from(["self_declared", "documented", "external"])),
        "lead_institution": field(st.text(max_size=30)),
        "base": field(st.sampled_from([str(base), str(base), "0", "1", "2"])),
        # The fingerprint of the values the page was opened with (issue 10): right, stale or forged.
        "opened": field(st.sampled_from([opened, opened, answer_digest(response_values(None)), "f" * 32])),
        "in_conflict": field(st.sampled_from(["", "1"])),
        "resolve": field(st.sampled_from(["", "mine", "theirs"])),
    }


@st.composite
def questionnaire_post(draw, criteria, other, bases, opened):
    data = {}
    for c in criteria:
        for name, strategy in criterion_fields(c, bases.get(c.pk, 0), opened[c.pk]).items():
            data[f"c{c.pk}-{name}"] = draw(strategy)
    if draw(st.booleans()):
        data["next_round_table"] = draw(st.one_of(st.sampled_from(["1", "2", "3", "0", "99"]), odd_text))
    if draw(st.integers(0, 9)) == 0:  # a criterion of another page
        data[f"c{draw(st.sampled_from(other)).pk}-answer"] = "1"
    data.update(draw(unknown_fields))
    return post_data(data)


def may_edit(role, status):
    return (status.startswith("draft") and role in ("contributor", "focal")) or (
        status == "submitted" and role == "focal"
    )


@pytest.mark.parametrize("role", ROLES)
def test_questionnaire_save_is_all_or_nothing_and_never_fails(world, page, role):
    criteria, other = page
    bases = dict(Response.objects.values_list("criterion_id", "edit_count"))
    current = {r.criterion_id: r for r in Response.objects.all()}
    opened = {c.pk: answer_digest(response_values(current.get(c.pk))) for c in criteria}
    url = reverse("questionnaire", args=[world.assessment.pk, 1])

    @fuzz(EXAMPLES)
    @given(data=questionnaire_post(criteria, other, bases, opened), status=st.sampled_from(STATUSES))
    def check(data, status):
        with rolled_back():
            set_status(world.assessment, status)
            before = response_state()
            previous = {r.criterion_id: response_values(r) for r in Response.objects.filter(assessment=world.assessment)}
            response = client_for(world, role).post(url, data)
            after = response_state()
            assert response.status_code in (200, 302, 403, 404, 409)
            if not may_edit(role, status):
                assert after == before
                # A member who may answer drafts gets their input back read-only (409), to copy.
                expected = {"anonymous": 302, "outsider": 404, "contributor": 409, "focal": 409}.get(role)
                if role == "secretariat":
                    expected = 404 if status.startswith("draft") else 403
                assert response.status_code == (expected or 403)
            if after == before:
                assert_explained(response, role)
                return
            # Something was stored: every criterion the person changed, exactly as entered ("take theirs" keeps
            # the current value); an unchanged criterion holds what it held, which is what the page showed.
            assert response.status_code == 302
            message, *warnings = messages_of(response)
            assert all("without evidence" in w for w in warnings)
            assert re.fullmatch(r"Saved RT1: [1-9]\d* answer\(s\) changed\.", message)
            stored = {r.criterion_id: r for r in Response.objects.filter(assessment=world.assessment)}
            query = as_querydict(data)
            for c in criteria:
                form = ResponseForm(query, criterion=c, response=None)
                assert form.is_valid(), form.errors
                if form.to_input().keep_current:
                    assert response_values(stored.get(c.pk)) == previous.get(c.pk, response_values(None))
                else:
                    assert response_values(stored.get(c.pk)) == form.to_input().values()

    check()


# --- Start, submit, approve, return -----------------------------------------------------------------


@st.composite
def start_post(draw, prefix):
    data = {
        f"{prefix}-cycle": draw(field(st.sampled_from(["2026", "2030", " 2031 ", "2027-bis"]))),
        **{f"{prefix}-{flag}": draw(field(st.sampled_from(["on", "1", "true", ""]))) for flag in
           ("is_origin", "is_transit", "is_destination")},
    }
    data.update(draw(unknown_fields))
    return post_data(data)


@st.composite
def return_post(draw):
    data = {"comment": draw(field(st.one_of(st.text(max_size=60), st.just("Please add evidence for RT2."))))}
    data.update(draw(unknown_fields))
    return post_data(data)


ENDPOINTS = ["start", "submit", "approve", "return"]
DONE = {
    "start": r"Started the assessment .+\.",
    "submit": r"Submitted for approval\.",
    "approve": r"Approved\. The assessment is now final\.",
    "return": r"Returned to draft\.",
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_workflow_posts_change_state_only_as_allowed(world, endpoint):
    """Each example is sent by every role in turn (anonymous, viewer, contributor, focal point, outsider, secretariat)."""
    other_assessment = make_assessment(government=world.other_government, framework=world.framework, cycle="2026")

    if endpoint == "start":
        targets = st.sampled_from([world.government.pk, world.other_government.pk, 10**9])
        body = st.sampled_from([world.government.pk, world.other_government.pk]).flatmap(
            lambda pk: start_post(f"g{pk}"))
    else:
        targets = st.sampled_from([world.assessment.pk, world.assessment.pk, other_assessment.pk, 10**9])
        body = return_post() if endpoint == "return" else unknown_fields.map(post_data)

    def post_as(role, target, data, status):
        with rolled_back():
            set_status(world.assessment, status)
            name = "assessment_start" if endpoint == "start" else f"assessment_{endpoint}"
            before = assessment_state()
            response = client_for(world, role).post(reverse(name, args=[target]), data)
            after = assessment_state()
            assert response.status_code in (302, 403, 404)
            if after == before:
                assert_explained(response, role)
                return
            # A change: only by a focal point of that government, only the allowed transition, and it says so.
            assert response.status_code == 302
            assert any(re.fullmatch(DONE[endpoint], m) for m in messages_of(response)), messages_of(response)
            user = user_for(world, role)
            if endpoint == "start":
                [new] = Assessment.objects.exclude(pk__in=[row[0] for row in before])
                assert new.government_id == target
                assert Membership.objects.filter(user=user, government_id=target, role="focal_point").exists()
                assert new.cycle == last(data[f"g{target}-cycle"]).strip()
                return
            [changed] = {row[0] for row in set(after) - set(before)}
            assert changed == target
            now = Assessment.objects.get(pk=target)
            assert Membership.objects.filter(user=user, government=now.government, role="focal_point").exists()
            was = {row[0]: row[3] for row in before}[target]
            transition = {"submit": ("draft", "submitted"), "approve": ("submitted", "approved"),
                          "return": ("submitted", "draft")}[endpoint]
            assert (was, now.status) == transition
            if endpoint == "submit":
                assert not now.framework_version.criteria.exclude(
                    pk__in=now.responses.answered().values("criterion_id")).exists()
            if endpoint == "return":
                assert now.return_comment == last(data["comment"]).strip() != ""

    @fuzz(FEW)
    @given(target=targets, data=body, status=st.sampled_from(STATUSES))
    def check(target, data, status):
        for role in ROLES:
            post_as(role, target, data, status)

    check()


# --- Sign-in and password change ------------------------------------------------------------------------


@st.composite
def sign_in_post(draw):
    data = {
        "username": draw(field(st.sampled_from(["focal", "viewer", "FOCAL", "focal ", "nobody"]))),
        "password": draw(field(st.sampled_from(["pw", "PW", "pw ", "wrong"]))),
        "next": draw(field(st.sampled_from(["/", "/assessments/1/", "https://evil.example/", "//evil.example/x",
                                            "/\\evil.example", "javascript:alert(1)", "http://testserver/"]))),
    }
    data.update(draw(unknown_fields))
    return post_data(data)


# Names longer than django-axes' 255-character column once made sign-in fail (500) on PostgreSQL; the
# last one is short but NFKC-normalises to 360 characters. Kept as fixed examples so that they always run.
@fuzz(EXAMPLES * 2)
@given(data=sign_in_post())
@example(data={"username": "9" * 5000, "password": "wrong"})
@example(data={"username": "x" * 256, "password": "pw", "next": "/"})
@example(data={"username": "\ufdfa" * 20, "password": "wrong"})
def test_sign_in_never_fails_and_never_redirects_off_site(world, data):
    with rolled_back():
        client = Client()
        response = client.post(reverse("login"), data)
        assert response.status_code in (200, 302, 429)
        signed_in = "_auth_user_id" in client.session
        if response.status_code == 302:
            assert signed_in
            assert last(data["password"]) == "pw" and last(data["username"]).strip() in ("focal", "viewer")
            location = urlsplit(response["Location"])
            assert location.netloc in ("", "testserver") and location.scheme in ("", "http"), location
        else:
            assert not signed_in
            if response.status_code == 200:
                assert response.context["form"].errors
                page = response.content.decode()
                assert "alert-danger" in page or "invalid-feedback" in page


STRONG = "Correct-Horse-Battery-42"


@st.composite
def password_change_post(draw):
    new = draw(st.one_of(st.just(STRONG), st.sampled_from(["pw", "12345678", "password", "focal", "short"]), odd_text))
    data = {
        "old_password": draw(field(st.sampled_from(["pw", "pw", "wrong"]))),
        "new_password1": draw(field(st.just(new))),
        "new_password2": draw(field(st.sampled_from([new, new, STRONG, "other-Password-1"]))),
    }
    data.update(draw(unknown_fields))
    return post_data(data)


@pytest.mark.parametrize("role", SIGNED_IN)
def test_password_change_is_all_or_nothing(world, role):
    @fuzz(FEW)
    @given(data=password_change_post())
    def check(data):
        with rolled_back():
            client = client_for(world, role)
            response = client.post(reverse("password_change"), data)
            user = User.objects.get(pk=user_for(world, role).pk)
            if response.status_code == 302:
                assert response["Location"] == reverse("password_change_done")
                assert user.check_password(last(data["new_password1"])) and not user.check_password("pw")
                assert last(data["old_password"]) == "pw"
            else:
                assert response.status_code == 200
                assert user.check_password("pw")
                assert response.context["form"].errors

    check()


# --- Garbage bodies and oversized requests ------------------------------------------------------------------


def endpoint_urls(world):
    a = world.assessment.pk
    return {
        "questionnaire": reverse("questionnaire", args=[a, 1]),
        "start": reverse("assessment_start", args=[world.government.pk]),
        "submit": reverse("assessment_submit", args=[a]),
        "approve": reverse("assessment_approve", args=[a]),
        "return": reverse("assessment_return", args=[a]),
        "sign-in": reverse("login"),
        "password change": reverse("password_change"),
    }


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=nonsense",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "application/json",
    "text/plain",
    "",
]


@pytest.mark.parametrize(
    "endpoint", ["questionnaire", "start", "submit", "approve", "return", "sign-in", "password change"]
)
def test_garbage_bodies_are_refused_cleanly(world, page, endpoint):
    url = endpoint_urls(world)[endpoint]
    role = "anonymous" if endpoint == "sign-in" else "focal"

    @fuzz(FEW)
    @given(
        body=st.one_of(
            st.binary(max_size=400),
            st.text(max_size=200).map(str.encode),
            st.sampled_from([b"--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n", b"%ZZ=%", b"a=%ff%fe",
                             b"=&&=&a", b"{\"cycle\": 2026}", b"\x00" * 50, b"--xyz--", b"a" * 1024 * 64]),
        ),
        content_type=st.sampled_from(CONTENT_TYPES),
    )
    def check(body, content_type):
        with rolled_back():
            before = assessment_state(), response_state(), list(User.objects.order_by("pk").values_list("password", flat=True))
            response = client_for(world, role).generic("POST", url, body, content_type=content_type)
            assert response.status_code in (200, 302, 400, 403, 404)
            assert (assessment_state(), response_state(), list(User.objects.order_by("pk").values_list("password", flat=True))) \
                == before
            if response.status_code == 400:
                assert "could not be read" in response.content.decode()
            elif response.status_code == 200 and endpoint in ("sign-in", "password change"):
                assert response.context["form"].errors
            else:
                assert_explained(response, role)

    check()


@pytest.mark.parametrize("endpoint", ["questionnaire", "start", "return", "sign-in"])
def test_an_oversized_request_is_refused_with_a_message(world, endpoint, settings):
    client = client_for(world, "anonymous" if endpoint == "sign-in" else "focal")
    url = endpoint_urls(world)[endpoint]
    too_big = client.post(url, {"comment": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
                          content_type="application/x-www-form-urlencoded")
    too_many = client.post(url, "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)),
                           content_type="application/x-www-form-urlencoded")
    for response in (too_big, too_many):
        assert response.status_code == 400
        assert "could not be read" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("target", ["²", "٣", "9" * 5000, "-1", "1 ", ""])
def test_a_strange_next_page_number_still_saves_and_redirects(client, world, target):
    criteria = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code"))
    client.force_login(world.contributor)
    data = {f"c{c.pk}-{k}": v for c in criteria for k, v in (("confidence", "self_declared"), ("base", "0"))}
    data.update({f"c{criteria[2].pk}-answer": "2", "next_round_table": target})
    response = client.post(reverse("questionnaire", args=[world.assessment.pk, 1]), data)
    assert response.status_code == 302
    assert Response.objects.get(criterion=criteria[2]).score == 2


@pytest.mark.parametrize("key", ["c" + "9" * 5000 + "-answer", "c²-answer", "c٣-answer", "c-1-answer"])
def test_a_strange_field_name_is_no_error(client, world, key):
    criteria = list(Criterion.objects.filter(version=world.framework, theme__round_table__number=1).order_by("code"))
    client.force_login(world.contributor)
    data = {f"c{c.pk}-{k}": v for c in criteria for k, v in (("confidence", "self_declared"), ("base", "0"))}
    data.update({f"c{criteria[0].pk}-answer": "2", key: "1"})
    response = client.post(reverse("questionnaire", args=[world.assessment.pk, 1]), data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:  # a multipart header that long is refused before any view runs
        assert "could not be read" in response.content.decode()
    else:
        assert messages_of(response)


def multipart_with_a_file(size: int) -> tuple[bytes, str]:
    boundary = "hldboundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nsee file\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"w.xlsx\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("endpoint", ["questionnaire", "return", "sign-in"])
def test_a_body_over_the_request_limit_is_refused_before_it_is_read_even_as_a_file_part(world, endpoint, settings):
    """File parts do not count against DATA_UPLOAD_MAX_MEMORY_SIZE; Content-Length over MAX_REQUEST_BYTES is a 413."""
    client = client_for(world, "anonymous" if endpoint == "sign-in" else "focal")
    body, content_type = multipart_with_a_file(7 * 1024 * 1024)
    before = assessment_state(), response_state()
    response = client.generic("POST", endpoint_urls(world)[endpoint], body, content_type=content_type)
    assert response.status_code == 413
    page = response.content.decode()
    assert "too large" in page and "Nothing was saved" in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"] and response["X-Request-ID"]
    assert (assessment_state(), response_state()) == before


def test_a_workbook_sized_file_part_is_under_the_request_limit(world, settings):
    """A later workbook upload accepts 5 MB: such a request reaches the view."""
    client = client_for(world, "focal")
    body, content_type = multipart_with_a_file(5 * 1024 * 1024)
    assert len(body) <= settings.MAX_REQUEST_BYTES
    response = client.generic("POST", endpoint_urls(world)["return"], body, content_type=content_type)
    assert response.status_code == 302  # the return view's answer: the draft cannot be returned
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= len(body)  # an upload is never spooled to a temporary file


def test_the_request_limit_is_a_setting(world, settings):
    settings.MAX_REQUEST_BYTES = 1000
    client = client_for(world, "focal")
    url = endpoint_urls(world)["return"]
    assert client.post(url, {"comment": "x" * 2000}).status_code == 413
    assert client.post(url, {"comment": "x" * 500}).status_code == 302
