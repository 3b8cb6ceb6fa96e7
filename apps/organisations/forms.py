"""Forms of the organisation pages. They parse and check input; services do the writes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Organisation, PublicProfile
from .permissions import Role
from .regions import EUROPEAN_COUNTRIES
from .services import ORGANISATION_FIELDS, PROFILE_FIELDS


def country_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every country, in two groups: European countries first, then the others.

    A callable, so that names follow the reader's language.
    """
    european: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for country in countries:
        group = european if country.code in EUROPEAN_COUNTRIES else others
        group.append((country.code, country.name))
    return [(str(_("Europe")), european), (str(_("Other countries")), others)]


class OrganisationForm(forms.ModelForm):
    """An organisation's details. The region is derived from the country, never asked."""

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", "---------"),
            *country_choices(),
        ]
        cast(forms.ModelChoiceField, self.fields["stakeholder_group"]).empty_label = _(
            "Choose a group"
        )
        self.fields["in_directory"].label = _("Appear in the public directory")


class OrganisationRegisterForm(OrganisationForm):
    """Registration, with one more step when the organisation looks already registered.

    The first submission of a likely duplicate fails with a warning naming the
    organisation found; ticking ``not_duplicate`` lets the same input through.
    """

    not_duplicate = forms.BooleanField(
        label=_("This is a different organisation"),
        required=False,
    )

    duplicate: Organisation | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        name, country = cleaned.get("name"), cleaned.get("country")
        if name and country:
            self.duplicate = (
                Organisation.objects.likely_duplicates(name=name, country=country)
                .only("name", "country")
                .first()
            )
        if self.duplicate and not cleaned.get("not_duplicate"):
            self.add_error(
                "not_duplicate",
                _(
                    "“%(name)s” in %(country)s is already registered. If yours is a different "
                    "organisation, tick this box and register again; otherwise ask that "
                    "organisation's admins to invite you."
                )
                % {"name": self.duplicate.name, "country": self.duplicate.country.name},
            )
        return cleaned

    def organisation_fields(self) -> dict[str, Any]:
        """The cleaned values the register service takes."""
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CONTRIBUTOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationSignupForm(forms.Form):
    """A new account for the invited address. The password rules are checked by the service."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password, again = cleaned.get("password"), cleaned.get("password_confirmation")
        if password and again and password != again:
            self.add_error("password_confirmation", _("The two passwords do not match."))
        return cleaned


class PublicProfileForm(forms.ModelForm):
    """The public profile's switches and the leadership statement (``profile_update``)."""

    class Meta:
        model = PublicProfile
        fields = [*PROFILE_FIELDS, "statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "statement": _(
                "Your organisation's commitment to patient engagement, in its leadership's "
                "words. Saving a changed text signs it with your name and today's date."
            )
        }
