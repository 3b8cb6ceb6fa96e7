"""English as written in Europe: day before month (24 Nov 2026), 24-hour times."""

from django.conf.locale.en_GB.formats import *  # noqa: F403

DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
