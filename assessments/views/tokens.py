"""The "API tokens" page: a person's own tokens, a form to create one (shown once) and revoke buttons."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..api.tokens import EXPIRY_DAYS, TokenError, api_token_create, api_token_revoke
from ..models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, initial=90,
        choices=[(d, _("%(d)s days") % {"d": d}) for d in EXPIRY_DAYS],
    )


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            row, secret = api_token_create(user=request.user, **form.cleaned_data)
        except TokenError as error:
            messages.error(request, str(error))
        else:
            created = (row, secret)
            form = TokenForm()
    tokens = list(ApiToken.objects.filter(user=request.user))
    return render(request, "api/tokens.html", {"form": form, "created": created, "tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = api_token_revoke(user=request.user, pk=pk)
    except ApiToken.DoesNotExist as error:
        raise Http404(_("No such token.")) from error
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")
