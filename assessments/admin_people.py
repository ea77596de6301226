"""The admin for governments, people and roles (issue 12), for superusers and secretariat administrators.

Actions are thin wrappers over ``people``; users who have written anything are
deactivated, never deleted (issue 11 item 9).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from .models import Assessment, Government, Invitation, Membership, MembershipChange
from .forms_people import GovernmentForm
from .people import (
    PeopleError,
    invitation_resend,
    invitation_withdraw,
    membership_change_role,
    membership_remove,
    user_deactivate,
    user_has_written,
)

User = get_user_model()


class MembershipInline(admin.TabularInline):
    """Shown, not edited here: roles change through the membership actions (the rules and the log apply)."""

    model = Membership
    extra = 0
    fields = readonly_fields = ["user", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    form = GovernmentForm  # the ISO 3166 check of the page
    list_display = ["name", "iso3", "un_region"]
    list_filter = ["un_region"]
    search_fields = ["name", "iso3"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a government's assessments are never lost


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Members join by invitation; roles change and members leave through actions that call ``people``,
    so that the last focal point stays and every change is logged."""

    list_display = ["user", "government", "role"]
    list_filter = ["role", "government"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "government__name"]
    readonly_fields = ["user", "government", "role"]
    actions = ["make_focal_point", "make_contributor", "make_viewer", "remove"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, write, done):
        for membership in queryset.select_related("user", "government"):
            try:
                write(membership)
            except PeopleError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, done(membership), messages.SUCCESS)

    def _role(self, request, queryset, role):
        self._each(
            request, queryset, lambda m: membership_change_role(by=request.user, membership=m, role=role),
            lambda m: gettext("%(user)s (%(government)s): now %(role)s.")
            % {"user": m.user, "government": m.government, "role": str(Membership.Role(role).label).lower()},
        )

    @admin.action(description=_("Make focal point"), permissions=["view"])
    def make_focal_point(self, request, queryset):
        self._role(request, queryset, Membership.Role.FOCAL_POINT)

    @admin.action(description=_("Make contributor"), permissions=["view"])
    def make_contributor(self, request, queryset):
        self._role(request, queryset, Membership.Role.CONTRIBUTOR)

    @admin.action(description=_("Make viewer"), permissions=["view"])
    def make_viewer(self, request, queryset):
        self._role(request, queryset, Membership.Role.VIEWER)

    @admin.action(description=_("Remove from the government"), permissions=["view"])
    def remove(self, request, queryset):
        self._each(
            request, queryset, lambda m: membership_remove(by=request.user, membership=m),
            lambda m: gettext("%(user)s (%(government)s): removed.") % {"user": m.user, "government": m.government},
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "government", "role", "state", "invited_by", "expires_at"]
    list_filter = ["status", "role", "government"]
    search_fields = ["email", "government__name"]
    readonly_fields = ["email", "government", "role", "status", "invited_by", "created_at", "expires_at", "sent_at",
                       "accepted_at", "accepted_by"]
    actions = ["resend", "withdraw"]

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.state_label

    def has_add_permission(self, request):
        return False  # invitations are made on the government's people page, which sends the email

    def has_delete_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, write, done):
        for invitation in queryset.select_related("government"):
            try:
                write(invitation)
            except PeopleError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, done(invitation), messages.SUCCESS)

    @admin.action(description=_("Resend the invitation (a new link, valid for 7 days)"), permissions=["change"])
    def resend(self, request, queryset):
        base_url = request.build_absolute_uri("/")
        self._each(
            request, queryset, lambda i: invitation_resend(by=request.user, invitation=i, base_url=base_url),
            lambda i: gettext("Sent the invitation again to %(email)s.") % {"email": i.email},
        )

    @admin.action(description=_("Withdraw the invitation"), permissions=["change"])
    def withdraw(self, request, queryset):
        self._each(
            request, queryset, lambda i: invitation_withdraw(by=request.user, invitation=i),
            lambda i: gettext("Withdrew the invitation of %(email)s.") % {"email": i.email},
        )


@admin.register(MembershipChange)
class MembershipChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "government", "member", "old_role", "new_role", "changed_by"]
    list_filter = ["government"]
    search_fields = ["member__username", "government__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: assessments change only through their workflow in the application."""

    list_display = ["government", "cycle", "status", "framework_version", "submitted_at", "approved_at"]
    list_filter = ["status", "cycle", "government__un_region"]
    search_fields = ["government__name", "government__iso3", "cycle"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(User)
class PeopleUserAdmin(UserAdmin):
    """Users who have written anything are deactivated, not deleted: their name stays on what they wrote."""

    actions = ["deactivate_users", "delete_selected"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]

    @admin.action(description=_("Deactivate the selected users (they can no longer sign in)"), permissions=["change"])
    def deactivate_users(self, request, queryset):
        for user in queryset:
            try:
                user_deactivate(user=user, by=request.user)
            except PeopleError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, gettext("Deactivated %(username)s.") % {"username": user.username}, messages.SUCCESS)

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, object_id)
        if user is not None and user_has_written(user):
            self.message_user(request, _refusal(user), messages.ERROR)
            return redirect(reverse("admin:auth_user_change", args=[user.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        writers = [user for user in queryset if user_has_written(user)]
        for user in writers:
            self.message_user(request, _refusal(user), messages.ERROR)
        queryset.exclude(pk__in=[user.pk for user in writers]).delete()


def _refusal(user) -> str:
    return gettext(
        "%(username)s has written in HLD Assess (answers, assessments, invitations or admin changes) and is not "
        "deleted, so that their name stays on it: use “Deactivate the selected users” instead."
    ) % {"username": user.username}
