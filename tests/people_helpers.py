"""Helpers of the people tests: invite someone, find the link in the email."""

import re


def invite(world, email, role="contributor", government=None):
    from assessments.people import invitation_create

    return invitation_create(by=world.focal if government is None else world.secretariat_admin,
                             government=government or world.government, email=email, role=role,
                             base_url="http://testserver/")


def link_in(message) -> str:
    return re.search(r"http://testserver(/invitations/accept/[^/\s]+/)", message.body).group(1)
