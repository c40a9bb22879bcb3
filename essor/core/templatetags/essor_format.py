from django import template
from django.utils.translation import get_language

from essor.core.formatting import format_euros, format_thousands

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """Integer cents shown in euros in the active language."""
    if cents is None:
        return "—"
    return format_euros(cents, get_language() or "fr")


@register.filter
def thousands(value: int | None) -> str:
    if value is None:
        return "—"
    return format_thousands(value, get_language() or "fr")


@register.filter
def get_item(mapping: dict[str, int] | None, key: str) -> int | None:
    """mapping[key] in a template (None when absent)."""
    return (mapping or {}).get(key)
