"""Account pages that differ from django.contrib.auth's: the password reset request is rate-limited."""

from django.contrib.auth import views as auth_views
from django.utils.translation import ngettext

from ..throttling import password_reset_refusal


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page, but over the limit (per address, per account) it sends nothing and says why (429)."""

    def form_valid(self, form):
        minutes = password_reset_refusal(self.request, form.cleaned_data["email"])
        if minutes is None:
            return super().form_valid(form)
        form.add_error(
            None,
            ngettext(
                "Too many password reset requests from your address or for this e-mail address. No e-mail was "
                "sent. Try again in %(minutes)d minute, or ask an administrator of HLD Assess.",
                "Too many password reset requests from your address or for this e-mail address. No e-mail was "
                "sent. Try again in %(minutes)d minutes, or ask an administrator of HLD Assess.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return self.render_to_response(self.get_context_data(form=form), status=429)
