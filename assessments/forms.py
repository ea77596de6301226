from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import URLValidator
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Response
from .models.assessment import cycle_validator
from .workflow import AnswerInput, answer_digest, response_values

NOT_APPLICABLE = "na"
DONT_KNOW = "dk"
KEEP_MINE = "mine"
TAKE_THEIRS = "theirs"
# Text fields with a limit: each shows it as maxlength and a counter (static/js/questionnaire.js).
LIMITED_FIELDS = ("justification", "evidence", "evidence_url", "lead_institution")
CHOICE_FIELDS = ("answer", "confidence", "resolve")


class LimitedText(forms.CharField):
    """Text whose line breaks count once, as the browser counts them (it sends CR LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ResponseForm(forms.Form):
    """One criterion's answer: its five level descriptors as the choices, or not applicable / don't know.

    Rendered by a hand-written partial (templates/assessments/_criterion_fields.html, issue 19), not by crispy:
    a 20-criterion page took 1,285 nested template renders through crispy. The partial reads ``card()``; the
    labels, help texts and counters are written in it.
    """

    answer = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect, required=False)
    justification = LimitedText(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Response.TEXT_LIMIT,
    )
    evidence = LimitedText(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Response.TEXT_LIMIT,
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        max_length=Response._meta.get_field("evidence_url").max_length,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"], code="web_address",
                                 message=_("Enter a web address starting with http:// or https://."))],
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=Response.Confidence.choices, initial=Response.Confidence.SELF_DECLARED
    )
    lead_institution = forms.CharField(label=_("Lead institution"), max_length=200, required=False)
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    # What the page was opened with (answer_digest), so that a save writes only what the person changed.
    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Only on the conflict screen: the person keeps their version or takes the other person's.
    in_conflict = forms.BooleanField(widget=forms.HiddenInput, required=False)
    resolve = forms.ChoiceField(
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}), required=False,
        choices=[(KEEP_MINE, _("Keep my version")), (TAKE_THEIRS, _("Take their version"))],
    )

    def __init__(self, *args, criterion: Criterion, response: Response | None = None, read_only=False, **kwargs):
        self.criterion = criterion
        self.response = response
        kwargs.setdefault("prefix", f"c{criterion.pk}")
        kwargs.setdefault("initial", initial_for(response))
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = gettext("Your answer for %(code)s") % {"code": criterion.code}
        self.fields["answer"].choices = [
            (str(d.level), gettext("Level %(level)s – %(label)s: %(text)s") % {"level": d.level, "label": d.label, "text": d.text})
            for d in criterion.descriptors.all()
        ] + [(NOT_APPLICABLE, gettext("Not applicable")), (DONT_KNOW, gettext("Don't know")),
             ("", gettext("No answer yet (choose this to clear a level chosen by mistake)"))]
        if read_only == "copy":  # refused input shown to copy: text stays selectable, choices are fixed
            for field in self.fields.values():
                if isinstance(field.widget, (forms.Textarea, forms.TextInput, forms.URLInput)):
                    field.widget.attrs["readonly"] = True
                else:
                    field.disabled = True
        elif read_only:
            for field in self.fields.values():
                field.disabled = True

    def card(self) -> dict[str, dict]:
        """Each field as the criterion card's partial needs it: name, id, value as the widget would show it,
        errors, whether disabled or read-only, the limit of a text field and the choices (value, label, chosen)
        of a choice field. The values and choices come from the widgets' own ``format_value`` and the same rule
        as Django's ``optgroups`` (the first matching option is chosen), so the partial shows what crispy did."""
        card = {}
        for name, field in self.fields.items():
            bound = self[name]
            value = bound.value()
            entry = {"name": bound.html_name, "id": bound.auto_id, "errors": bound.errors, "disabled": field.disabled,
                     "readonly": bool(field.widget.attrs.get("readonly"))}
            if name in CHOICE_FIELDS:
                values, chosen, choices = field.widget.format_value(value), False, []
                for option, label in field.choices:
                    option = "" if option is None else str(option)
                    selected = not chosen and option in values
                    chosen |= selected
                    choices.append((option, label, selected))
                entry["choices"] = choices
            else:
                entry["value"] = field.widget.format_value(value)
            if name in LIMITED_FIELDS:
                entry["max_length"] = field.max_length
                entry["limit"] = number_format(field.max_length, force_grouping=True)
            card[name] = entry
        return card

    def clean(self):
        data = super().clean()
        answer = data.get("answer")
        if answer in (NOT_APPLICABLE, DONT_KNOW) and not (data.get("justification") or "").strip():
            if answer == NOT_APPLICABLE:
                self.add_error("justification", gettext("Not applicable needs a justification: say why."))
            else:
                self.add_error("justification", gettext("Don't know needs a justification: say why."))
        if data.get("in_conflict") and not data.get("resolve"):
            self.add_error("resolve", gettext("Choose whether to keep your version or take theirs."))
        return data

    def to_input(self) -> AnswerInput:
        data = self.cleaned_data
        answer = data.get("answer") or ""
        return AnswerInput(
            criterion_id=self.criterion.pk,
            base_edit_count=data.get("base") or 0,
            score=int(answer) if answer.isdigit() else None,
            not_applicable=answer == NOT_APPLICABLE,
            dont_know=answer == DONT_KNOW,
            justification=data.get("justification", "").strip(),
            evidence=data.get("evidence", "").strip(),
            evidence_url=data.get("evidence_url", ""),
            confidence=data.get("confidence") or Response.Confidence.SELF_DECLARED,
            lead_institution=data.get("lead_institution", "").strip(),
            opened=data.get("opened") or None,
            keep_current=data.get("resolve") == TAKE_THEIRS,
        )


def answer_code(response: Response | None) -> str:
    if response is None:
        return ""
    if response.not_applicable:
        return NOT_APPLICABLE
    if response.dont_know:
        return DONT_KNOW
    return "" if response.score is None else str(response.score)


def initial_for(response: Response | None) -> dict:
    opened = answer_digest(response_values(response))
    if response is None:
        return {"base": 0, "confidence": Response.Confidence.SELF_DECLARED, "opened": opened}
    return {
        "opened": opened,
        "answer": answer_code(response),
        "justification": response.justification,
        "evidence": response.evidence,
        "evidence_url": response.evidence_url,
        "confidence": response.confidence,
        "lead_institution": response.lead_institution,
        "base": response.edit_count,
    }


class StartAssessmentForm(forms.Form):
    cycle = forms.CharField(
        label=_("Cycle"), max_length=20, validators=[cycle_validator],
        help_text=_("The reporting cycle: a year, e.g. 2026, optionally with a suffix such as 2026-b."),
    )
    is_origin = forms.BooleanField(label=_("Country of origin"), required=False, initial=True)
    is_transit = forms.BooleanField(label=_("Country of transit"), required=False)
    is_destination = forms.BooleanField(label=_("Country of destination"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if not (data.get("is_origin") or data.get("is_transit") or data.get("is_destination")):
            raise forms.ValidationError(gettext("Tick at least one of origin, transit and destination."))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Why it goes back to draft"))
