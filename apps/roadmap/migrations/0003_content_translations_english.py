"""Copy the existing (English) texts into their new English columns.

Until 0002 every text lived in one column (``title``); with modeltranslation the
English text is read from ``title_en``, so without this copy existing databases
would show empty English texts. History rows are copied too, so that the first
change after the upgrade shows only what changed. The other languages stay empty
(NULL), which means "no translation: show the English text".
"""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import NullIf

# Frozen here, as migrations must not import the app's current code.
TRANSLATED_FIELDS = {
    "stakeholdergroup": ("name", "short_name", "description"),
    "dimension": ("name", "purpose"),
    "barriercategory": ("name", "description"),
    "resource": ("title", "description"),
    "edition": ("title", "vision", "mission", "changelog"),
    "endgoal": ("title", "description"),
    "intermediategoal": ("title", "description"),
    "action": ("title", "description", "other_actors"),
}


def copy_to_english(apps, schema_editor):
    for model_name, fields in TRANSLATED_FIELDS.items():
        for name in (model_name, f"historical{model_name}"):
            model = apps.get_model("roadmap", name)
            # An empty text is NULL in a translation column (see the app's translation.py).
            model._base_manager.update(
                **{f"{field}_en": NullIf(F(field), Value("")) for field in fields}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0002_content_translations"),
    ]

    operations = [
        # Reversing leaves the untranslated columns as they are: they still hold English.
        # Elidable: a new database (built from the squashed migration) has no texts to copy.
        migrations.RunPython(copy_to_english, migrations.RunPython.noop, elidable=True),
    ]
