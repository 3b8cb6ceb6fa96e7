from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "apps.roadmap"
    verbose_name = _("Roadmap")

    def ready(self) -> None:
        from .cache import connect_content_receivers

        connect_content_receivers()  # the public pages' cache is refreshed on every change
