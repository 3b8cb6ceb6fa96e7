from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Demo data (``seed_demo``) and synthetic data (``seed_synthetic``); no models."""

    name = "apps.devdata"
