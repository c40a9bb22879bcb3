"""Feedback on the forms of the financing pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _


def form_refused(request: HttpRequest, form: forms.Form) -> bool:
    """True, with an error message naming the field and what is wrong, when `form` is
    invalid: the action then does not happen (a reason too long is not dropped silently)."""
    if form.is_valid():
        return False
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.error(
            request,
            _("Nothing was done. %(field)s: %(error)s")
            % {"field": label or name, "error": " ".join(str(e) for e in errors)},
        )
    return True
