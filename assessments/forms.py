from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.validators import URLValidator
from django.utils.formats import number_format
from django.utils.html import format_html
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


class LimitedText(forms.CharField):
    """Text whose line breaks count once, as the browser counts them (it sends CR LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ResponseForm(forms.Form):
    """One criterion's answer: its five level descriptors as the choices, or not applicable / don't know."""

    answer = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect, required=False)
    justification = LimitedText(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Response.TEXT_LIMIT,
        help_text=_("Why this level; required for not applicable and don't know."),
    )
    evidence = LimitedText(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=Response.TEXT_LIMIT,
        help_text=_("Instrument, date, reference and responsible body. Expected for levels 3 and 4."),
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
        for name in LIMITED_FIELDS:
            self._show_limit(self.fields[name], f"id_{self.add_prefix(name)}")
        if read_only == "copy":  # refused input shown to copy: text stays selectable, choices are fixed
            for field in self.fields.values():
                if isinstance(field.widget, (forms.Textarea, forms.TextInput, forms.URLInput)):
                    field.widget.attrs["readonly"] = True
                else:
                    field.disabled = True
        elif read_only:
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
            "opened",
            "in_conflict",
        )

    @staticmethod
    def _show_limit(field, field_id):
        """The limit as maxlength and a counter that reads "Up to N characters" until the script counts."""
        field.widget.attrs.update({"data-counter": f"{field_id}-count"})
        counter = format_html('<span class="char-count" id="{}-count">{}</span>', field_id,
                              gettext("Up to %(limit)s characters.")
                              % {"limit": number_format(field.max_length, force_grouping=True)})
        field.help_text = format_html("{} {}", field.help_text, counter) if field.help_text else counter

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
