"""People in the admin: one "Accounts" section.

allauth's ``account`` app registers its email addresses under an app also called "Accounts",
which gave the admin index two sections of that name. Its admin is taken off the index and
each user's addresses are shown on the user's page instead, where an admin looks for them.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User

for model in (EmailAddress, EmailConfirmation):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class EmailAddressInline(admin.TabularInline[EmailAddress, User]):
    """A user's addresses: an admin may mark one verified; the user adds and removes them."""

    model = EmailAddress
    fields = ["email", "primary", "verified"]
    readonly_fields = ["email", "primary"]
    extra = 0
    can_delete = False
    verbose_name = _("email address")
    verbose_name_plural = _("email addresses")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    inlines = [EmailAddressInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
