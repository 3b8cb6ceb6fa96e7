from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "apps.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from .navigation import connect_receivers

        # The header's organisation switcher is cached per user (navigation.py).
        connect_receivers()
