from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionConfig(AppConfig):
    name = "apps.adoption"
    verbose_name = _("Adoption and progress")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the edition_published receiver)
        from .partnerships.cached import connect_receivers

        connect_receivers()
