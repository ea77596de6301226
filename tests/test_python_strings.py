"""Interface strings in Python code go through Django's translation functions (issue 15).

An AST walk over assessments/ and hldassess/ (not the migrations, the API, management
commands or tests) that fails with file:line where a plain string literal holding letters
is handed directly to a place people read it: messages, ValidationError, form and model
field labels and help texts, Meta verbose names, admin action and column descriptions,
e-mail subjects.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessments", "hldassess")
EXCLUDED_PARTS = {"migrations", "api", "tests"}
LETTERS = re.compile(r"[A-Za-z]")

MESSAGE_FUNCS = {"success", "info", "warning", "error", "debug", "add_message"}
FIELD_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural"}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
MAIL_FUNCS = {"send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives", "mail_admins"}


def _is_plain_text(node: ast.AST | None) -> bool:
    """A literal string (or f-string, or concatenation/%-format of one) with letters in it."""
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(LETTERS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_plain_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _is_plain_text(node.left) or (isinstance(node.op, ast.Add) and _is_plain_text(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_plain_text(node.func.value)
    return False


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _dotted(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return f"{_dotted(func.value)}.{func.attr}"
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _is_field_call(call: ast.Call) -> bool:
    dotted = _dotted(call.func)
    return (
        dotted.startswith(("forms.", "models.", "serializers."))
        and (_name(call.func).endswith("Field") or _name(call.func) in RELATIONS)
    ) or _name(call.func).endswith("Field")


def unmarked_strings(source: str, filename: str = "<snippet>") -> list[str]:
    """Every place in `source` where a plain literal reaches people untranslated, as file:line: what."""
    tree = ast.parse(source, filename=filename)
    found: list[tuple[int, str]] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append((node.lineno, what))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            dotted = _dotted(node.func)
            if name in MESSAGE_FUNCS and (dotted.startswith("messages.") or name == "add_message"):
                # messages.error(request, text) / messages.add_message(request, level, text)
                index = 2 if name == "add_message" else 1
                text = node.args[index] if len(node.args) > index else _keyword(node, "message")
                if _is_plain_text(text):
                    flag(node, f"messages.{name} text")
            if name == "ValidationError":
                text = node.args[0] if node.args else _keyword(node, "message")
                if _is_plain_text(text):
                    flag(node, "ValidationError message")
                elif isinstance(text, ast.Dict):
                    for value in text.values:
                        if _is_plain_text(value):
                            flag(value, "ValidationError message")
            if _is_field_call(node):
                for keyword in FIELD_KEYWORDS:
                    if _is_plain_text(_keyword(node, keyword)):
                        flag(node, f"{name}({keyword}=)")
                # the verbose name may be the first positional argument of a model field
                if dotted.startswith("models.") and name not in RELATIONS and node.args and _is_plain_text(node.args[0]):
                    flag(node, f"{name} verbose name")
            if name in {"action", "display"} and dotted.startswith("admin.") and _is_plain_text(
                _keyword(node, "description")
            ):
                flag(node, f"@admin.{name}(description=)")
            if name in MAIL_FUNCS:
                subject = node.args[0] if node.args else _keyword(node, "subject")
                if _is_plain_text(subject):
                    flag(node, f"{name} subject")
        elif isinstance(node, ast.ClassDef) and {_name(base) for base in node.bases} & CHOICES_BASES:
            # DRAFT = "draft", _("Draft"): the label is the last element of the member's tuple
            for statement in node.body:
                if (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple)
                        and statement.value.elts and _is_plain_text(statement.value.elts[-1])):
                    flag(statement, "choices label")
        elif isinstance(node, ast.ClassDef) and node.name == "Meta":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and _is_plain_text(statement.value):
                    for target in statement.targets:
                        if isinstance(target, ast.Name) and target.id in {"verbose_name", "verbose_name_plural"}:
                            flag(statement, f"Meta.{target.id}")
        elif isinstance(node, ast.Assign):
            # short_description set by hand on an admin column
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "short_description" and _is_plain_text(node.value):
                    flag(node, "short_description")
    return [f"{filename}:{line}: {what}" for line, what in sorted(found)]


def _python_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if parts & EXCLUDED_PARTS or "commands" in parts and "management" in parts:
                continue
            files.append(path)
    return files


def test_every_interface_string_in_python_is_marked_for_translation():
    problems = []
    for path in _python_files():
        problems += unmarked_strings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not problems, "Strings not marked for translation:\n" + "\n".join(problems)


def test_the_walk_covers_the_application_and_skips_what_stays_english():
    names = {str(path.relative_to(ROOT)) for path in _python_files()}
    assert "assessments/forms.py" in names and "hldassess/errors.py" in names
    assert not any("/migrations/" in n or n.startswith("assessments/api/") or "/commands/" in n for n in names)


SNIPPET = '''
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models
from django.utils.translation import gettext as _, gettext_lazy


class Thing(models.Model):
    class Colour(models.TextChoices):
        RED = "red", "Red"
        BLUE = "blue", gettext_lazy("Blue")

    name = models.CharField("Name", max_length=10, help_text="What it is called")
    kept = models.CharField(gettext_lazy("Kept"), max_length=10, help_text=gettext_lazy("Marked"))

    class Meta:
        verbose_name = "thing"
        verbose_name_plural = gettext_lazy("things")


class ThingForm(forms.Form):
    title = forms.CharField(label="Title")
    marked = forms.CharField(label=gettext_lazy("Marked"))


@admin.action(description="Close the things")
def close(modeladmin, request, queryset):
    messages.success(request, "Closed.")
    messages.success(request, _("Closed."))
    messages.error(request, f"{queryset.count()} things could not close")
    raise ValidationError("That is wrong")


@admin.display(description=gettext_lazy("Marked column"))
def column(obj):
    send_mail("Your things", "body", None, ["a@example.org"])
    raise ValidationError({"name": "Too long", "kept": _("Fine")})
'''


def test_the_checker_flags_unmarked_strings_and_accepts_marked_ones():
    problems = unmarked_strings(SNIPPET)
    lines = SNIPPET.splitlines()
    found = sorted((lines[int(p.split(":")[1]) - 1].strip(), p.split(": ", 1)[1]) for p in problems)
    expected = [  # the start of each flagged line, and what is flagged there
        ('RED = "red", "Red"', "choices label"),
        ('name = models.CharField("Name"', "CharField verbose name"),
        ('name = models.CharField("Name"', "CharField(help_text=)"),
        ('verbose_name = "thing"', "Meta.verbose_name"),
        ('title = forms.CharField(label="Title")', "CharField(label=)"),
        ('@admin.action(description="Close', "@admin.action(description=)"),
        ('messages.success(request, "Closed.")', "messages.success text"),
        ('messages.error(request, f"', "messages.error text"),
        ('raise ValidationError("That is wrong")', "ValidationError message"),
        ('send_mail("Your things"', "send_mail subject"),
        ('raise ValidationError({"name": "Too long"', "ValidationError message"),
    ]
    assert len(found) == len(expected), problems
    for start, what in expected:
        assert (start, what) in {(start, w) for line, w in found if line.startswith(start)}, (start, what, problems)
    assert all(p.startswith("<snippet>:") for p in problems)
    assert unmarked_strings("messages.info(request, _('Saved.'))\nraise ValidationError(gettext_lazy('No'))") == []


def shadowed_gettext(source: str, filename: str = "<snippet>") -> list[str]:
    """Functions that bind ``_`` themselves (``x, _ = ...``) and also call ``_()``: the call would fail.

    A comprehension's ``for a, _ in ...`` has its own scope and does not count.
    """
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = [n for statement in node.body for n in ast.walk(statement)]
        in_comprehensions = {id(n) for c in body if isinstance(c, ast.comprehension) for n in ast.walk(c.target)}
        binds = any(a.arg == "_" for a in node.args.args + node.args.kwonlyargs) or any(
            isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) and id(n) not in in_comprehensions
            for n in body
        )
        calls = [n for n in body if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"]
        if binds and calls:
            found.append(f"{filename}:{calls[0].lineno}: _() called in {node.name}, which binds _ itself")
    return found


def test_no_function_calls_gettext_after_binding_underscore_itself():
    problems = []
    for path in _python_files():
        problems += shadowed_gettext(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not problems, "\n".join(problems)
    assert shadowed_gettext("def f():\n    a, _ = g()\n    return _('x')\n")
    assert not shadowed_gettext("def f():\n    a, _b = g()\n    return _('x')\n")
    assert not shadowed_gettext("def f():\n    xs = [a for a, _ in g()]\n    return _('x')\n")
