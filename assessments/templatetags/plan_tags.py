"""``report|plan_rows`` (the whole plan) and ``report|plan_rows:"priority"`` (the ten priority gaps) in templates."""

from django import template

from ..plan_report import plan_rows as rows_of

register = template.Library()


@register.filter
def plan_rows(report, which: str = ""):
    return rows_of(report, priority_only=which == "priority")
