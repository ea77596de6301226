from django import template

from ..models import is_secretariat as _is_secretariat

register = template.Library()


@register.filter
def is_secretariat(user) -> bool:
    """For the navigation: the secretariat's pages are linked for its members only."""
    return _is_secretariat(user)
