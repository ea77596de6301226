"""Writes on governments, people and roles (issue 12): the pages and the admin actions call these.

Each is a keyword-only function in one transaction that takes its lock (the
government's row) before it checks anything, and raises a ``PeopleError`` with
a message a person understands. Users who have written anything are
deactivated, never deleted (``user_has_written``, ``user_deactivate``).
"""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .formatting import long_date
from .models import Assessment, Government, Invitation, Membership, MembershipChange, Response, is_secretariat_admin
from .models.people import default_expiry, new_token, token_hash

User = get_user_model()


class PeopleError(Exception):
    pass


class NotAllowed(PeopleError):
    pass


class InvitationInvalid(PeopleError):
    """The link cannot be used (unknown, used, withdrawn or expired); the message says which."""


def _locked_government(government: Government) -> Government:
    return Government.objects.select_for_update().get(pk=government.pk)


def _message(error: ValidationError) -> str:
    """One sentence of everything ``full_clean`` refused, for a message on the page."""
    return " ".join(error.messages)


def can_manage_people(user, government: Government) -> bool:
    """Secretariat administrators manage every government's people; a focal point manages their own."""
    if is_secretariat_admin(user):
        return True
    return user.is_authenticated and Membership.objects.filter(
        user=user, government=government, role=Membership.Role.FOCAL_POINT, user__is_active=True
    ).exists()


def _require_manager(by, government):
    if not can_manage_people(by, government):
        raise NotAllowed(
            _("Only a focal point of %(government)s or a secretariat administrator can manage its people.")
            % {"government": government}
        )


# --- Governments -------------------------------------------------------------------------


def _government_save(government: Government) -> Government:
    try:
        government.full_clean()
    except ValidationError as error:
        raise PeopleError(_message(error)) from error
    government.save()
    return government


@transaction.atomic
def government_create(*, by, name: str, iso3: str, un_region: str) -> Government:
    if not is_secretariat_admin(by):
        raise NotAllowed(_("Only a secretariat administrator can create a government."))
    return _government_save(Government(name=name.strip(), iso3=iso3.strip().upper(), un_region=un_region))


@transaction.atomic
def government_update(*, by, government: Government, name: str, iso3: str, un_region: str) -> Government:
    if not is_secretariat_admin(by):
        raise NotAllowed(_("Only a secretariat administrator can change a government."))
    government = _locked_government(government)
    government.name, government.iso3, government.un_region = name.strip(), iso3.strip().upper(), un_region
    return _government_save(government)


# --- Invitations -------------------------------------------------------------------------


def _send_invitation(invitation: Invitation, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("invitation_accept", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": invitation.invited_by}
    send_mail(
        subject=_("HLD Assess: you are invited to %(government)s") % {"government": invitation.government},
        message=render_to_string("people/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


@transaction.atomic
def invitation_create(*, by, government: Government, email: str, role: str, base_url: str) -> Invitation:
    government = _locked_government(government)
    _require_manager(by, government)
    email = User.objects.normalize_email(email.strip())
    if role not in Membership.Role.values:
        raise PeopleError(_("Choose a role: contributor, focal point or viewer."))
    if Membership.objects.filter(government=government, user__email__iexact=email).exists():
        raise PeopleError(_("%(email)s is already a member of %(government)s.") % {"email": email, "government": government})
    pending = Invitation.objects.filter(government=government, email__iexact=email, status=Invitation.Status.PENDING)
    if pending.exists():
        raise PeopleError(
            _("%(email)s already has a pending invitation to %(government)s: resend it or withdraw it.")
            % {"email": email, "government": government}
        )
    token = new_token()
    invitation = Invitation(email=email, government=government, role=role, invited_by=by, token_hash=token_hash(token))
    try:
        invitation.full_clean()
    except ValidationError as error:
        raise PeopleError(_message(error)) from error
    invitation.save()
    # Sent inside the transaction: if the mail server refuses, no invitation is left without its email.
    _send_invitation(invitation, token, base_url)
    return invitation


def _locked_pending(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("government").get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise PeopleError(
            _("The invitation of %(email)s is %(status)s.")
            % {"email": invitation.email, "status": invitation.get_status_display().lower()}
        )
    return invitation


@transaction.atomic
def invitation_resend(*, by, invitation: Invitation, base_url: str) -> Invitation:
    """A new link (the old one stops working) and a new expiry date."""
    _locked_government(invitation.government)
    _require_manager(by, invitation.government)
    invitation = _locked_pending(invitation)
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = default_expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    _send_invitation(invitation, token, base_url)
    return invitation


@transaction.atomic
def invitation_withdraw(*, by, invitation: Invitation) -> Invitation:
    _locked_government(invitation.government)
    _require_manager(by, invitation.government)
    invitation = _locked_pending(invitation)
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.save(update_fields=["status"])
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, or ``InvitationInvalid`` saying clearly why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("government", "invited_by").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None:
        raise InvitationInvalid(
            _(
                "This invitation link is not valid: it may have been replaced by a newer one. "
                "Use the link in the latest email, or ask for a new invitation."
            )
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationInvalid(_("This invitation has already been used. Sign in with the account that accepted it."))
    if invitation.status == Invitation.Status.WITHDRAWN:
        raise InvitationInvalid(_("This invitation to %(government)s was withdrawn.") % {"government": invitation.government})
    if invitation.is_expired:
        raise InvitationInvalid(
            _("This invitation to %(government)s expired on %(date)s. Ask %(inviter)s to send it again.")
            % {
                "government": invitation.government,
                "date": long_date(invitation.expires_at),
                "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.username,
            }
        )
    return invitation


def existing_account(invitation: Invitation):
    return User.objects.filter(email__iexact=invitation.email, is_active=True).order_by("pk").first()


@transaction.atomic
def invitation_accept(*, token: str, user=None, new_account: dict | None = None):
    """Accept as ``user`` (signed in), or create the account from ``new_account`` (cleaned form data).

    Returns the user who is now a member.
    """
    invitation = invitation_for_token(token)
    _locked_government(invitation.government)  # every change to its invitations takes this lock
    invitation = invitation_for_token(token)  # again, under the lock: two clicks accept once
    account = existing_account(invitation)
    if user is not None and user.is_authenticated:
        if account is not None and account.pk != user.pk:
            raise PeopleError(
                _("This invitation is for the account of %(email)s: sign in as that account.") % {"email": invitation.email}
            )
    elif account is not None:
        raise PeopleError(
            _("%(email)s already has an account: sign in to accept the invitation.") % {"email": invitation.email}
        )
    elif new_account is None:
        raise PeopleError(_("Choose a user name and a password to create your account."))
    else:
        if User.objects.filter(username__iexact=new_account["username"]).exists():
            raise PeopleError(_("That user name is taken: choose another."))
        user = User(
            username=new_account["username"],
            first_name=new_account.get("first_name", ""),
            last_name=new_account.get("last_name", ""),
            email=invitation.email,
        )
        user.set_password(new_account["password"])
        user.save()
    if Membership.objects.filter(user=user, government=invitation.government).exists():
        raise PeopleError(_("You are already a member of %(government)s.") % {"government": invitation.government})
    Membership.objects.create(user=user, government=invitation.government, role=invitation.role)
    MembershipChange.objects.create(
        government=invitation.government, member=user, changed_by=invitation.invited_by, new_role=invitation.role
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return user


# --- Memberships ---------------------------------------------------------------------------


def _active_focal_points(government: Government):
    return Membership.objects.filter(government=government, role=Membership.Role.FOCAL_POINT, user__is_active=True)


def _refuse_losing_last_focal_point(membership: Membership) -> None:
    if membership.is_focal_point and not _active_focal_points(membership.government).exclude(pk=membership.pk).exists():
        raise PeopleError(
            _("%(name)s is the last focal point of %(government)s: make another member focal point first.")
            % {"name": membership.user.get_full_name() or membership.user.username, "government": membership.government}
        )


@transaction.atomic
def membership_change_role(*, by, membership: Membership, role: str) -> Membership:
    _locked_government(membership.government)
    membership = Membership.objects.select_related("user", "government").get(pk=membership.pk)
    _require_manager(by, membership.government)
    if role not in Membership.Role.values:
        raise PeopleError(_("Choose a role: contributor, focal point or viewer."))
    if role == membership.role:
        return membership
    if role != Membership.Role.FOCAL_POINT:
        _refuse_losing_last_focal_point(membership)
    MembershipChange.objects.create(
        government=membership.government, member=membership.user, changed_by=by, old_role=membership.role, new_role=role
    )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, by, membership: Membership) -> None:
    _locked_government(membership.government)
    membership = Membership.objects.select_related("user", "government").get(pk=membership.pk)
    _require_manager(by, membership.government)
    _refuse_losing_last_focal_point(membership)
    MembershipChange.objects.create(
        government=membership.government, member=membership.user, changed_by=by, old_role=membership.role
    )
    membership.delete()


# --- Accounts ------------------------------------------------------------------------------


def user_has_written(user) -> bool:
    """Whether any record names this user as its author: such a user is deactivated, never deleted."""
    people = Q(created_by=user) | Q(submitted_by=user) | Q(approved_by=user) | Q(returned_by=user)
    return (
        Assessment.objects.filter(people).exists()
        or Response.objects.filter(updated_by=user).exists()
        or Response.history.filter(Q(history_user=user) | Q(updated_by=user)).exists()
        or MembershipChange.objects.filter(Q(changed_by=user) | Q(member=user)).exists()
        or Invitation.objects.filter(Q(invited_by=user) | Q(accepted_by=user)).exists()
        or LogEntry.objects.filter(user=user).exists()
    )


@transaction.atomic
def user_deactivate(*, user, by):
    """The user can no longer sign in; their name stays on everything they wrote."""
    if not (by.is_superuser or is_secretariat_admin(by)):
        raise NotAllowed(_("Only an administrator can deactivate an account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == by.pk:
        raise PeopleError(_("You cannot deactivate your own account."))
    for membership in user.memberships.select_related("government", "user").order_by("government_id"):
        _locked_government(membership.government)
        _refuse_losing_last_focal_point(membership)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def account_update(*, user, first_name: str, last_name: str, email: str):
    user = User.objects.select_for_update().get(pk=user.pk)
    email = User.objects.normalize_email(email.strip())
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise PeopleError(_("Another account already uses that email address."))
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    try:
        user.full_clean(exclude=["password", "username"])
    except ValidationError as error:
        raise PeopleError(_message(error)) from error
    user.save(update_fields=["first_name", "last_name", "email"])
    return user


def secretariat_admin_group() -> Group:
    from .models import SECRETARIAT_ADMIN_GROUP

    return Group.objects.get(name=SECRETARIAT_ADMIN_GROUP)


def refuse_deleting_a_writer(sender, instance, **kwargs):
    """pre_delete guard on users: deleting an author would empty the "who" of approved assessments and history."""
    from django.db.models import ProtectedError

    if user_has_written(instance):
        raise ProtectedError(
            _("%(username)s has written in HLD Assess and cannot be deleted: deactivate the account instead.")
            % {"username": instance.username},
            {instance},
        )
