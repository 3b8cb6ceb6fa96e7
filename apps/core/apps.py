from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_schedules(sender: AppConfig, **kwargs: Any) -> None:
    from .schedules import install_schedules

    install_schedules()


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)

        # After migrate, once django-celery-beat's tables exist.
        post_migrate.connect(_install_schedules, sender=self)
