"""Forms of our own account pages (allauth brings the sign-in and password forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class AccountDeleteForm(forms.Form):
    """Confirms the deletion of an account with the account's current password."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you, type the password you sign in with."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."), code="invalid")
        return password


class ProfileForm(forms.ModelForm):
    """The person's name and their email preferences."""

    class Meta:
        model = User
        fields = ["full_name", "language", "reminders_enabled", "digest_enabled"]
        help_texts = {
            "full_name": _("Shown to the other members of your organisations."),
            "language": _("The portal writes to you in this language."),
            "reminders_enabled": _(
                "A weekly email at most, when an adoption you own has had no progress "
                "logged for a while or its target date is near."
            ),
            "digest_enabled": _(
                "On Mondays, when something changed in the actions and organisations you follow."
            ),
        }
