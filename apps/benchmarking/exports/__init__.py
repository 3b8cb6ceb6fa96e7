"""Benchmark report exports (PDF, XLSX, CSV), made in the background.

- ``exporters``: what a report holds, as sections of rows (read once, rendered in every
  format); ``pdf``: the PDF of the same sections;
- ``services``: ``export_request`` (job row, then the task on commit), ``export_run``
  (what the task does), ``export_cleanup`` (expiry); ``selectors``: reads of job rows;
- ``tasks``: the Celery tasks (re-exported by ``apps.benchmarking.tasks`` so that the
  worker's autodiscovery registers them);
- ``views``/``urls``: the pages under ``/o/<slug>/benchmark/exports/``; ``api``: the same
  for the API (the benchmark read API is ``apps.benchmarking.api``).
"""
