from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.validators import URLValidator

from .models import Criterion, Response
from .models.assessment import cycle_validator
from .workflow import AnswerInput

NOT_APPLICABLE = "na"
DONT_KNOW = "dk"


class ResponseForm(forms.Form):
    """One criterion's answer: its five level descriptors as the choices, or not applicable / don't know."""

    answer = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    justification = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Response.TEXT_LIMIT,
        help_text="Why this level; required for not applicable and don't know.",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Response.TEXT_LIMIT,
        help_text="Instrument, date, reference and responsible body. Expected for levels 3 and 4.",
    )
    evidence_url = forms.URLField(
        label="Evidence link",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"], code="web_address",
                                 message="Enter a web address starting with http:// or https://.")],
    )
    confidence = forms.ChoiceField(choices=Response.Confidence.choices, initial=Response.Confidence.SELF_DECLARED)
    lead_institution = forms.CharField(max_length=200, required=False)
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, criterion: Criterion, response: Response | None = None, read_only=False, **kwargs):
        self.criterion = criterion
        self.response = response
        kwargs.setdefault("prefix", f"c{criterion.pk}")
        kwargs.setdefault("initial", initial_for(response))
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = f"Your answer for {criterion.code}"
        self.fields["answer"].choices = [
            (str(d.level), f"Level {d.level} – {d.label}: {d.text}") for d in criterion.descriptors.all()
        ] + [(NOT_APPLICABLE, "Not applicable"), (DONT_KNOW, "Don't know")]
        if read_only:
            for field in self.fields.values():
                field.disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "answer",
            Div(
                Div(Field("justification"), css_class="col-md-6"),
                Div(Field("evidence"), css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div(Field("evidence_url"), css_class="col-md-5"),
                Div(Field("confidence"), css_class="col-md-3"),
                Div(Field("lead_institution"), css_class="col-md-4"),
                css_class="row",
            ),
            "base",
        )

    def clean(self):
        data = super().clean()
        answer = data.get("answer")
        if answer in (NOT_APPLICABLE, DONT_KNOW) and not (data.get("justification") or "").strip():
            label = "Not applicable" if answer == NOT_APPLICABLE else "Don't know"
            self.add_error("justification", f"{label} needs a justification: say why.")
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
    if response is None:
        return {"base": 0, "confidence": Response.Confidence.SELF_DECLARED}
    return {
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
        max_length=20, validators=[cycle_validator],
        help_text="The reporting cycle: a year, e.g. 2026, optionally with a suffix such as 2026-b.",
    )
    is_origin = forms.BooleanField(label="Country of origin", required=False, initial=True)
    is_transit = forms.BooleanField(label="Country of transit", required=False)
    is_destination = forms.BooleanField(label="Country of destination", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        if not (data.get("is_origin") or data.get("is_transit") or data.get("is_destination")):
            raise forms.ValidationError("Tick at least one of origin, transit and destination.")
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Why it goes back to draft")
