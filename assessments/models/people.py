"""Invitations to a government and the log of membership changes (issue 12).

An invitation's link carries a random token; only its SHA-256 is stored, so a
copy of the database does not let anyone accept a pending invitation.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .assessment import Government, Membership

SECRETARIAT_ADMIN_GROUP = "Secretariat administrator"
SECRETARIAT_ADMIN_PERMISSION = "administer_governments"
INVITATION_DAYS = 7


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_expiry():
    return timezone.now() + timedelta(days=getattr(settings, "HLD_INVITATION_DAYS", INVITATION_DAYS))


def is_secretariat_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(f"assessments.{SECRETARIAT_ADMIN_PERMISSION}")


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    email = models.EmailField()
    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=12, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(default=default_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        permissions = [(SECRETARIAT_ADMIN_PERMISSION, "Can create governments and invite their focal points")]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "email"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email_and_government",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Membership.Role.values), name="invitation_role_is_a_membership_role"
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.government} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired

    @property
    def state_label(self) -> str:
        if self.status == self.Status.PENDING and self.is_expired:
            return gettext("Expired")
        return self.get_status_display()


class MembershipChange(models.Model):
    """Who changed whose role in which government, and when (old and new role; empty = none)."""

    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="membership_changes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    old_role = models.CharField(max_length=12, choices=Membership.Role.choices, blank=True)
    new_role = models.CharField(max_length=12, choices=Membership.Role.choices, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("membership change")
        constraints = [
            models.CheckConstraint(condition=~models.Q(old_role=models.F("new_role")), name="membership_change_changes")
        ]

    def __str__(self):
        return f"{self.member} in {self.government}: {self.old_role or '—'} → {self.new_role or '—'}"

    @property
    def summary(self) -> str:
        old = self.get_old_role_display() if self.old_role else None
        new = self.get_new_role_display() if self.new_role else None
        if old is None:
            return gettext("added as %(role)s") % {"role": new.lower()}
        if new is None:
            return gettext("removed (was %(role)s)") % {"role": old.lower()}
        return gettext("%(old)s → %(new)s") % {"old": old.lower(), "new": new.lower()}
