from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    name = "apps.benchmarking"
    verbose_name = _("Benchmarking")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.adoption.models import Metric
        from apps.roadmap.cache import refresh_on_change

        from .models import BenchmarkSnapshot
        from .selectors import forget_snapshot_index

        # The cached public benchmark page names the metrics (roadmap/cache.py), and is
        # keyed on the snapshots there are.
        refresh_on_change(Metric)
        for signal in (post_save, post_delete):
            signal.connect(
                forget_snapshot_index, sender=BenchmarkSnapshot, dispatch_uid="snapshot-index"
            )
        # The lists of a user's recent exports are cached (exports/selectors.py).
        from .exports.selectors import on_export_job_written
        from .models import ExportJob

        for signal in (post_save, post_delete):
            signal.connect(on_export_job_written, sender=ExportJob, dispatch_uid="export-jobs-list")
