"""Evidence sizes now count against each organisation's storage quota: files stored
without their size (0) get it from the storage. Links keep 0."""

from django.core.files.storage import default_storage
from django.db import migrations

BATCH = 500


def fill_sizes(apps, schema_editor) -> None:
    Evidence = apps.get_model("adoption", "Evidence")
    missing = Evidence.objects.filter(size=0).exclude(file="").only("pk", "file")
    changed = []
    for evidence in missing.iterator(chunk_size=BATCH):
        try:
            evidence.size = min(default_storage.size(evidence.file.name), 2**31 - 1)
        except OSError:  # the file is gone: it takes no space
            continue
        changed.append(evidence)
        if len(changed) == BATCH:
            Evidence.objects.bulk_update(changed, ["size"])
            changed = []
    Evidence.objects.bulk_update(changed, ["size"])


class Migration(migrations.Migration):
    dependencies = [("adoption", "0002_metric_catalogue")]

    operations = [migrations.RunPython(fill_sizes, migrations.RunPython.noop, elidable=True)]
