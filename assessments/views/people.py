"""Pages for governments, people and roles (issue 12).

Look-ups are scoped: a government the user may not see is not found (404); a
page the user may see but not use for this is refused (403). Writes go to
``assessments.people``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms_people import AccountForm, GovernmentForm, InvitationForm, NewAccountForm, RoleForm
from ..models import Assessment, Government, Invitation, Membership, is_secretariat, is_secretariat_admin
from ..people import (
    InvitationInvalid,
    NotAllowed,
    PeopleError,
    account_update,
    can_manage_people,
    existing_account,
    government_create,
    government_update,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_withdraw,
    membership_change_role,
    membership_remove,
)

GOVERNMENTS_PER_PAGE = 25


def governments_for(user):
    """Governments whose people this user may see: their own, or every one for the secretariat."""
    if is_secretariat_admin(user) or is_secretariat(user):
        return Government.objects.all()
    return Government.objects.filter(memberships__user=user)


def _require_secretariat_admin(request):
    if not is_secretariat_admin(request.user):
        raise PermissionDenied(_("Only a secretariat administrator can do this."))


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- Secretariat administration ----------------------------------------------------------------


@login_required
def government_list(request: HttpRequest) -> HttpResponse:
    _require_secretariat_admin(request)
    governments = Government.objects.annotate(
        drafts=Count("assessments", filter=Q(assessments__status=Assessment.Status.DRAFT), distinct=True),
        submitted=Count("assessments", filter=Q(assessments__status=Assessment.Status.SUBMITTED), distinct=True),
        approved=Count("assessments", filter=Q(assessments__status=Assessment.Status.APPROVED), distinct=True),
        pending=Count("invitations", filter=Q(invitations__status=Invitation.Status.PENDING), distinct=True),
    ).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("role", "user__username"))
    ).order_by("name")
    page = Paginator(governments, GOVERNMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/government_list.html", {"page": page})


@login_required
def government_create_view(request: HttpRequest) -> HttpResponse:
    _require_secretariat_admin(request)
    form = GovernmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            government = government_create(by=request.user, **form.cleaned_data)
        except PeopleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Created %(name)s. Now invite its first focal point.") % {"name": government})
            return redirect("government_people", pk=government.pk)
    return render(request, "people/government_form.html", {"form": form, "government": None})


@login_required
def government_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_secretariat_admin(request)
    government = get_object_or_404(Government, pk=pk)
    form = GovernmentForm(request.POST if request.method == "POST" else None, instance=government)
    if request.method == "POST" and form.is_valid():
        try:
            government_update(by=request.user, government=government, **form.cleaned_data)
        except PeopleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": government})
            return redirect("government_people", pk=government.pk)
    return render(request, "people/government_form.html", {"form": form, "government": government})


# --- A government's people ---------------------------------------------------------------------


def _visible_government(request, pk) -> Government:
    government = get_object_or_404(governments_for(request.user).distinct(), pk=pk)
    if not (can_manage_people(request.user, government) or is_secretariat(request.user)):
        raise PermissionDenied(_("Only the focal points of %(name)s manage its people.") % {"name": government})
    return government


@login_required
def government_people(request: HttpRequest, pk: int, invite_form=None) -> HttpResponse:
    government = _visible_government(request, pk)
    manages = can_manage_people(request.user, government)
    members = list(government.memberships.select_related("user").order_by("user__last_name", "user__username"))
    has_focal_point = any(m.is_focal_point and m.user.is_active for m in members)
    return render(
        request,
        "people/government_people.html",
        {
            "government": government,
            "manages": manages,
            "members": [(m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in members],
            "invitations": government.invitations.filter(status=Invitation.Status.PENDING).select_related("invited_by"),
            "changes": government.membership_changes.select_related("member", "changed_by")[:50],
            "invite_form": invite_form or InvitationForm(first_focal_point=not has_focal_point),
            "has_focal_point": has_focal_point,
            "assessments": government.assessments.select_related("framework_version"),
            "secretariat_admin": is_secretariat_admin(request.user),
            "invitation_days": settings.HLD_INVITATION_DAYS,
        },
    )


def _write(request, government, write, done):
    try:
        write()
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except PeopleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("government_people", pk=government.pk)


@login_required
@require_POST
def invitation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    government = _visible_government(request, pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nobody was invited: correct the form below."))
        return government_people(request, pk, invite_form=form)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    return _write(
        request, government,
        lambda: invitation_create(by=request.user, government=government, email=email, role=role,
                                  base_url=_base_url(request)),
        _("Invited %(email)s as %(role)s. The link in the email is valid for %(days)s days.")
        % {"email": email, "role": Membership.Role(role).label.lower(), "days": settings.HLD_INVITATION_DAYS},
    )


def _scoped_invitation(request, pk) -> Invitation:
    return get_object_or_404(Invitation.objects.filter(government__in=governments_for(request.user)), pk=pk)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _scoped_invitation(request, pk)
    return _write(
        request, invitation.government,
        lambda: invitation_resend(by=request.user, invitation=invitation, base_url=_base_url(request)),
        _("Sent a new link to %(email)s; the old one no longer works.") % {"email": invitation.email},
    )


@login_required
@require_POST
def invitation_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _scoped_invitation(request, pk)
    return _write(
        request, invitation.government, lambda: invitation_withdraw(by=request.user, invitation=invitation),
        _("Withdrew the invitation of %(email)s.") % {"email": invitation.email},
    )


def _scoped_membership(request, pk) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(government__in=governments_for(request.user)).select_related("user", "government"),
        pk=pk,
    )


@login_required
@require_POST
def membership_role_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _scoped_membership(request, pk)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Nothing changed: choose a role."))
        return redirect("government_people", pk=membership.government_id)
    role = form.cleaned_data["role"]
    return _write(
        request, membership.government, lambda: membership_change_role(by=request.user, membership=membership, role=role),
        _("%(name)s is now %(role)s.") % {"name": membership.user.get_full_name() or membership.user.username,
                                           "role": Membership.Role(role).label.lower()},
    )


@login_required
@require_POST
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _scoped_membership(request, pk)
    return _write(
        request, membership.government, lambda: membership_remove(by=request.user, membership=membership),
        _("Removed %(name)s from %(government)s.")
        % {"name": membership.user.get_full_name() or membership.user.username, "government": membership.government},
    )


# --- Invitation links --------------------------------------------------------------------------


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except InvitationInvalid as error:
        return render(request, "people/invitation_invalid.html", {"reason": str(error)}, status=410)
    account = existing_account(invitation)
    signed_in = request.user.is_authenticated
    form = None
    if not signed_in and account is None:
        form = NewAccountForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and (signed_in or (form is not None and form.is_valid())):
        try:
            user = invitation_accept(token=token, user=request.user if signed_in else None,
                                     new_account=None if signed_in else form.account())
        except InvitationInvalid as error:
            return render(request, "people/invitation_invalid.html", {"reason": str(error)}, status=410)
        except PeopleError as error:
            messages.error(request, str(error))
        else:
            if not signed_in:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome: you are now %(role)s of %(government)s.")
                             % {"role": invitation.get_role_display().lower(), "government": invitation.government})
            return redirect("home")
    return render(
        request,
        "people/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "account": account,
            "wrong_account": signed_in and account is not None and account.pk != request.user.pk,
            "login_url": reverse("login") + "?next=" + request.path,
        },
    )


# --- My account --------------------------------------------------------------------------------


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(request.POST if request.method == "POST" else None, initial={"first_name": user.first_name, "last_name": user.last_name,
                                                      "email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            account_update(user=user, **form.cleaned_data)
        except PeopleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved your name and email address."))
            return redirect("my_account")
    return render(
        request,
        "people/my_account.html",
        {
            "form": form,
            "memberships": user.memberships.select_related("government"),
            "groups": list(user.groups.values_list("name", flat=True)),
        },
    )
