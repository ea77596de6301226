"""Every page, at every access level, in French and in Spanish: the right ``lang`` and no English left (issue 15).

The crawl reads each page's visible text (what a person reads: text nodes, and the labels a screen reader
announces) and looks for the English interface: every message of the catalogue whose translation differs
from its English. A message found as a whole text node, or a message of three words or more found inside
one, is English that was not translated. The framework's texts come from the shipped translations, and
what is marked ``lang="en"`` (the verbatim source excerpts) is English on purpose. The charts' SVG text is
read too.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, FrameworkVersion
from tests.factories import answer_all, make_assessment, make_government, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["fr", "es"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ANNOUNCED = ("aria-label", "title", "alt", "placeholder")


def english_messages(language: str) -> set[str]:
    """The English of every message the catalogue translates into something else."""
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = set()
    for entry in text.split("\n\n"):
        msgid = _joined(entry, "msgid")
        msgstr = _joined(entry, "msgstr") or _joined(entry, r"msgstr\[0\]")
        if msgid and msgstr and msgid != msgstr and "%(" not in msgid and "{" not in msgid:
            found.add(" ".join(msgid.split()))
    return found


def _joined(entry: str, key: str) -> str:
    match = re.search(rf'^{key} ((?:".*"\n?)+)', entry, flags=re.M)
    if not match:
        return ""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n")


class VisibleText(HTMLParser):
    """Text nodes and announced attributes, outside <script>, <style> and elements marked lang="en"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts, self.html_lang = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        english_part = tag != "html" and attrs.get("lang") == "en"  # an excerpt, the switcher's "English"
        hidden = tag in ("script", "style") or english_part or (self.stack and self.stack[-1])
        if not hidden:
            self.texts += [attrs[name] for name in ANNOUNCED if attrs.get(name)]
        if tag not in VOID:
            self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.texts.append(" ".join(data.split()))


def english_left(html: str, messages: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    long_messages = [m for m in messages if len(m.split()) >= 3]
    left = []
    for text in parser.texts:
        if text in messages or any(m in text for m in long_messages):
            left.append(text)
    return left, parser.html_lang


@pytest.fixture
def site(db):
    """The shipped framework (both versions), a government with a member of each role, the secretariat."""
    call_command("loaddata", "hld2013", "hld2013-r2026", verbosity=0)
    revision = FrameworkVersion.objects.get(code="hld2013-r2026")
    home = make_government("Demoland", "XDL")
    users = {
        "focal point": make_user("focal", government=home, role="focal_point"),
        "contributor": make_user("contributor", government=home, role="contributor"),
        "viewer": make_user("viewer", government=home, role="viewer"),
        "secretariat": make_user("secretariat", role="secretariat"),
    }
    from django.contrib.auth.models import Group

    admin = make_user("secretariat-admin", role="secretariat")
    admin.groups.add(Group.objects.get(name="Secretariat administrator"))
    users["secretariat administrator"] = admin
    draft = make_assessment(government=home, framework=revision, cycle="2026")
    submitted = make_assessment(government=home, framework=revision, cycle="2025")
    answer_all(submitted)
    Assessment.objects.filter(pk=submitted.pk).update(status="submitted")
    return {"users": users, "government": home, "draft": draft, "submitted": submitted}


def pages_for(role: str, site) -> list[str]:
    draft, submitted, government = site["draft"], site["submitted"], site["government"]
    common = [reverse("home"), reverse("my_account"), reverse("two_factor"), reverse("api_tokens")]
    assessment_pages = lambda a: [  # noqa: E731
        reverse("assessment_detail", args=[a.pk]), reverse("questionnaire", args=[a.pk, 1]),
        reverse("questionnaire", args=[a.pk, 2]), reverse("report", args=[a.pk]), reverse("plan", args=[a.pk]),
        reverse("criterion_history", args=[a.pk, a.framework_version.criteria.get(code="RT2.07").pk]),
    ]
    if role in ("focal point", "contributor", "viewer"):
        pages = common + assessment_pages(draft) + assessment_pages(submitted)
        if role != "viewer":
            pages.append(reverse("workbook_upload", args=[draft.pk]))
        if role == "focal point":
            pages += [reverse("government_people", args=[government.pk]), reverse("assessment_delete", args=[draft.pk]),
                      reverse("assessment_approve", args=[submitted.pk])]
        return pages
    pages = common + assessment_pages(submitted) + [reverse("secretariat_status"), reverse("secretariat_comparison")]
    if role == "secretariat administrator":
        pages += [reverse("government_list"), reverse("government_create"),
                  reverse("government_people", args=[government.pk])]
    return pages


SIGNED_OUT = ["login", "password_reset"]


def read(client, url: str, language: str):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_out_pages_are_wholly_translated(client, language):
    messages = english_messages(language)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    for name in SIGNED_OUT:
        left, lang = english_left(read(client, reverse(name), language), messages)
        assert lang == language, name
        assert left == [], (name, left)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["focal point", "contributor", "viewer", "secretariat", "secretariat administrator"])
def test_every_page_of_every_role_is_wholly_translated(client, site, role, language):
    messages = english_messages(language)
    client.force_login(site["users"][role])
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    problems = {}
    for url in dict.fromkeys(pages_for(role, site)):
        left, lang = english_left(read(client, url, language), messages)
        if lang != language or left:
            problems[url] = (lang, left[:10])
    assert problems == {}, "\n".join(f"{url} [{lang}]: {left}" for url, (lang, left) in problems.items())


def test_the_crawl_finds_english_that_is_left(client):
    """The check itself: the English login page, read as if it were French, is full of English."""
    messages = english_messages("fr")
    left, lang = english_left(read(client, reverse("login"), "en"), messages)
    assert lang == "en" and len(left) >= 3
