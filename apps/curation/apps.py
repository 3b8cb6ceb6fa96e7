from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "apps.curation"
    verbose_name = _("Curation")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the roadmap's signals)
