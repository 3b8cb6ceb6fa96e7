"""Open data: every public figure of every published snapshot, as CSV and JSON under
``/data/<period>/``, described by a Frictionless Data Package (``datapackage.json``).

:mod:`.tables` says what the files hold (their columns, described once, and their rows,
read once and rendered in each format), :mod:`.package` the data package, :mod:`.views`
serves them. Only published snapshots, and only public subjects
(``BenchmarkCell.objects.public()``: never the curators'), ever leave here.
"""
