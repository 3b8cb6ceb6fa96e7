"""Export and import of an organisation's adoptions and progress (CSV and XLSX).

``exporters.AdoptionExporter`` writes the file; ``importers.import_adoptions``
reads the same file back, so the round trip is lossless. The layout is
documented in ``exporters`` and shown on the import page.
"""
