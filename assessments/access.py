"""What a request needs to know about the person, in one query: their memberships and whether they are the
secretariat (issue 19: the access check was three queries, a third of a cached page's server time)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q

from .models import SECRETARIAT_GROUP, Assessment, Membership


@dataclass(frozen=True)
class Access:
    secretariat: bool
    memberships: dict[int, Membership]  # by government pk

    def visible(self) -> Q:
        """The assessments this person may read (the same rule as ``Assessment.objects.for_user``)."""
        visible = Q(government_id__in=list(self.memberships))
        if self.secretariat:
            visible |= Q(status__in=[Assessment.Status.SUBMITTED, Assessment.Status.APPROVED])
        return visible


def access_of(user) -> Access:
    """The person's access, read once per request (kept on the user object, which lives as long as the request)."""
    if not user.is_authenticated:
        return Access(False, {})
    if hasattr(user, "_hld_access"):
        return user._hld_access
    secretariat = Exists(Group.objects.filter(user=OuterRef("pk"), name=SECRETARIAT_GROUP))
    rows = (
        get_user_model().objects.filter(pk=user.pk)
        .annotate(secretariat=secretariat)
        .values_list("secretariat", "memberships__pk", "memberships__government_id", "memberships__role")
    )
    is_secretariat, memberships = False, {}
    for is_secretariat, pk, government_id, role in rows:
        if pk is not None:
            memberships[government_id] = Membership(pk=pk, user=user, government_id=government_id, role=role)
    user._hld_access = Access(is_secretariat, memberships)
    user._is_secretariat = is_secretariat  # models.is_secretariat() reads it: no second query
    return user._hld_access
