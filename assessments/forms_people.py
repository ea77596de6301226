"""Forms of the people pages: governments, invitations, roles, accounts, two-factor codes."""

import pycountry
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .models import Government, Membership

# ISO 3166-1 reserves AAA-AAZ, QMA-QZZ, XAA-XZZ and ZZA-ZZZ for user-assigned codes; of those we accept
# XAA-XZZ, for fictional governments in demonstrations and training (Demoland is XDM).
USER_ASSIGNED_PREFIX = "X"


def iso3_is_known(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None or (len(code) == 3 and code.startswith(USER_ASSIGNED_PREFIX))


class GovernmentForm(forms.ModelForm):
    class Meta:
        model = Government
        fields = ["name", "iso3", "un_region"]
        labels = {"name": _("Name"), "iso3": _("ISO 3166 alpha-3 code"), "un_region": _("UN region (M49)")}
        help_texts = {"iso3": _("Three capital letters, e.g. KEN for Kenya. X codes are for fictional governments.")}

    def clean_iso3(self):
        code = self.cleaned_data["iso3"].strip().upper()
        if not iso3_is_known(code):
            raise forms.ValidationError(_("%(code)s is not an ISO 3166 alpha-3 country code.") % {"code": code})
        return code


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.CONTRIBUTOR)

    def __init__(self, *args, first_focal_point: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if first_focal_point:
            self.fields["role"].initial = Membership.Role.FOCAL_POINT


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AccountForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"))


class NewAccountForm(forms.Form):
    """The account made by accepting an invitation; the password passes Django's validators."""

    username = forms.CharField(
        label=_("User name"), max_length=150, validators=[User.username_validator],
        help_text=_("Letters, digits and @ . + - _ only; you sign in with it."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That user name is taken: choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password1"), cleaned.get("password2")
        if password and again and password != again:
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            candidate = User(username=cleaned.get("username", ""), email=self.email,
                             first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def account(self) -> dict:
        data = self.cleaned_data
        return {"username": data["username"], "first_name": data["first_name"], "last_name": data["last_name"],
                "password": data["password1"]}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())
