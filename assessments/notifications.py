"""Mail to a government's members when its assessment is submitted, returned or approved.

Sent only once the transition is committed (a rolled-back transition mails
nobody), one message per member (addresses are not shown to each other). A mail
server that is down or refuses a message is logged; the transition stands and
the person who made it never sees an error page.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .languages import language_of
from .models import Assessment, AssessmentEvent

logger = logging.getLogger(__name__)

SUBJECTS = {
    AssessmentEvent.Action.SUBMIT: gettext_lazy("%(assessment)s submitted for approval"),
    AssessmentEvent.Action.RETURN: gettext_lazy("%(assessment)s returned to draft with a comment"),
    AssessmentEvent.Action.APPROVE: gettext_lazy("%(assessment)s approved"),
}
SENTENCES = {
    AssessmentEvent.Action.SUBMIT: gettext_lazy("%(actor)s submitted the assessment %(assessment)s for approval."),
    AssessmentEvent.Action.RETURN: gettext_lazy(
        "%(actor)s returned the assessment %(assessment)s to draft with this comment:"
    ),
    AssessmentEvent.Action.APPROVE: gettext_lazy("%(actor)s approved the assessment %(assessment)s. It is now final."),
}


def one_line(text: str) -> str:
    """A mail header holds one line: a line break in a name would make the mail library refuse the message."""
    return " ".join(text.split())


def assessment_url(assessment: Assessment) -> str:
    return settings.HLD_SITE_URL.rstrip("/") + reverse("assessment_detail", args=[assessment.pk])


def transition_messages(assessment: Assessment, event: AssessmentEvent) -> list[EmailMessage]:
    """One message per member with an address, each in the language that member chose (issue 15)."""
    members = {}
    for membership in assessment.government.memberships.exclude(user__email="").select_related("user__profile"):
        members.setdefault(membership.user.email, membership.user)
    name = one_line(str(assessment))
    messages = []
    for email in sorted(members):
        with translation.override(language_of(members[email])):
            subject = _("HLD Assess: %(subject)s") % {"subject": SUBJECTS[event.action] % {"assessment": name}}
            body = SENTENCES[event.action] % {"actor": event.actor_name, "assessment": name}
            if event.comment:
                body += "\n\n" + event.comment
            body += "\n\n" + _("Open the assessment: %(url)s") % {"url": assessment_url(assessment)}
        messages.append(EmailMessage(subject, body, None, [email]))
    return messages


def send_quietly(messages: list[EmailMessage], what: str) -> None:
    try:
        get_connection().send_messages(messages)
    except Exception:  # noqa: BLE001 - any failure of the mail server is logged, never shown as an error page
        logger.exception("Workflow mail not sent (%s, %d recipients)", what, len(messages))


def notify_transition(assessment: Assessment, event: AssessmentEvent) -> None:
    """Build the messages now (inside the transaction, from what it wrote) and send them after the commit."""
    messages = transition_messages(assessment, event)
    if messages:
        what = f"{event.action} of assessment {assessment.pk}"
        transaction.on_commit(lambda: send_quietly(messages, what))
