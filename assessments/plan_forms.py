"""The form of one action of a plan; it only collects input, ``assessments.plans`` decides."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Action, Criterion
from .plans import ActionInput

OWN = ""


class ActionForm(forms.Form):
    recommended_action = forms.ChoiceField(
        label=_("Action"), widget=forms.RadioSelect, required=False,
        help_text=_("Choose one of the criterion's recommended actions, or write your own below."),
    )
    text = forms.CharField(
        label=_("Your wording"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=Action.TEXT_LIMIT,
        help_text=_("Required when you write your own action; otherwise it replaces the recommended wording."),
    )
    target_level = forms.TypedChoiceField(label=_("Target level"), coerce=int)
    # A text field in ISO form, not type="date": Chromium's date parts lose the focus outline (WCAG 2.4.7).
    target_date = forms.DateField(label=_("Target date"), widget=forms.DateInput(format="%Y-%m-%d"),
                                  help_text=_("Year-month-day, e.g. 2027-06-30"))
    lead_institution = forms.CharField(label=_("Lead institution"), max_length=200)
    partners = forms.CharField(label=_("Partners"), max_length=500, required=False)
    support_available = forms.ChoiceField(label=_("Support sought"), widget=forms.RadioSelect, required=False)
    support_text = forms.CharField(
        label=_("Support sought, in your words"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=Action.TEXT_LIMIT,
    )
    indicator = forms.CharField(
        label=_("Indicator of completion"), widget=forms.Textarea(attrs={"rows": 2}), max_length=Action.TEXT_LIMIT,
        help_text=_("What will show that the action is done, e.g. “the decree is published”."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices, initial=Action.Status.PLANNED)
    completed_on = forms.DateField(
        label=_("Done on"), widget=forms.DateInput(format="%Y-%m-%d"), required=False,
        help_text=_("When the status is done: year-month-day; leave empty for today."),
    )
    drop_reason = forms.CharField(
        label=_("Reason for dropping"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=Action.TEXT_LIMIT, help_text=_("Required when the status is dropped."),
    )

    def __init__(self, *args, criterion: Criterion, action: Action | None = None, **kwargs):
        self.criterion = criterion
        if action is not None:
            kwargs.setdefault("initial", {
                "recommended_action": action.recommended_action_id or OWN,
                "text": "" if action.recommended_action and action.text == action.recommended_action.text
                else action.text,
                "target_level": action.target_level, "target_date": action.target_date,
                "lead_institution": action.lead_institution, "partners": action.partners,
                "support_available": action.support_available_id or OWN,
                "support_text": "" if action.support_available and action.support_text == action.support_available.text
                else action.support_text,
                "indicator": action.indicator, "status": action.status, "drop_reason": action.drop_reason,
                "completed_on": action.completed_on,
            })
        super().__init__(*args, **kwargs)
        self.fields["recommended_action"].choices = [
            (str(a.pk), a.text) for a in criterion.recommended_actions.all()
        ] + [(OWN, gettext("Our own action (write it below)"))]
        self.fields["support_available"].choices = [
            (str(s.pk), s.text) for s in criterion.support_available.all()
        ] + [(OWN, gettext("Other support, or none (describe it below)"))]
        descriptors = {d.level: d.label for d in criterion.descriptors.all()}
        self.fields["target_level"].choices = [
            (level, gettext("Level %(level)s – %(label)s") % {"level": level, "label": descriptors[level]}
             if descriptors.get(level) else gettext("Level %(score)s") % {"score": level})
            for level in range(1, 5)
        ]
        self.fields["recommended_action"].initial = self.initial.get("recommended_action", OWN)
        self.fields["support_available"].initial = self.initial.get("support_available", OWN)
        if action is None:  # a new action is planned; its status changes later
            for name in ("status", "completed_on", "drop_reason"):
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        rows = [
            "recommended_action", "text",
            Div(Div(Field("target_level"), css_class="col-md-6"), Div(Field("target_date"), css_class="col-md-6"),
                css_class="row"),
            Div(Div(Field("lead_institution"), css_class="col-md-6"), Div(Field("partners"), css_class="col-md-6"),
                css_class="row"),
            "support_available", "support_text", "indicator",
        ]
        if action is not None:
            rows += ["status", "completed_on", "drop_reason"]
        self.helper.layout = Layout(*rows)

    def to_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            criterion_id=self.criterion.pk,
            target_level=data["target_level"],
            target_date=data["target_date"],
            text=data["text"],
            recommended_action_id=int(data["recommended_action"]) if data["recommended_action"] else None,
            lead_institution=data["lead_institution"],
            partners=data["partners"],
            support_text=data["support_text"],
            support_available_id=int(data["support_available"]) if data["support_available"] else None,
            indicator=data["indicator"],
            status=data.get("status") or Action.Status.PLANNED,
            drop_reason=data.get("drop_reason", ""),
            completed_on=data.get("completed_on"),
        )


class ProgressNoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=Action.TEXT_LIMIT)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d"), required=False,
                           help_text=_("Year-month-day; leave empty for today."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CriterionChoiceForm(forms.Form):
    """Which criterion to plan for, beyond the proposed priority gaps (a GET form: works without JavaScript)."""

    criterion = forms.TypedChoiceField(label=_("Criterion"), coerce=int,
                                       widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.pk, f"{c.code} {c.statement[:90]}") for c in criteria]
