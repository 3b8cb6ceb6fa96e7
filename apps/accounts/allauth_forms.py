"""allauth's sign-in and password forms, with plain labels (``ACCOUNT_FORMS``).

allauth's own say "Remember Me", "Password (again)", "Current Password", "New Password
(again)"; the fields, their checks and their order are allauth's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

REMEMBER = _("Keep me signed in on this device")
CURRENT = _("Current password")
NEW = _("New password")
REPEAT = _("Repeat the password")
REPEAT_NEW = _("Repeat the new password")


class _PlainLabels:
    """Gives the form's fields the labels in ``labels`` (and drops allauth's placeholders,
    which repeat its labels)."""

    labels: ClassVar[dict[str, _StrPromise]] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            field = self.fields.get(name)
            if field is not None:
                field.label = label
                field.widget.attrs.pop("placeholder", None)


class LoginForm(_PlainLabels, allauth_forms.LoginForm):
    labels = {"remember": REMEMBER}


class SignupForm(_PlainLabels, allauth_forms.SignupForm):
    labels = {"password2": REPEAT}


class ChangePasswordForm(_PlainLabels, allauth_forms.ChangePasswordForm):
    labels = {"oldpassword": CURRENT, "password1": NEW, "password2": REPEAT_NEW}


class SetPasswordForm(_PlainLabels, allauth_forms.SetPasswordForm):
    labels = {"password2": REPEAT}


class ResetPasswordKeyForm(_PlainLabels, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": NEW, "password2": REPEAT_NEW}
