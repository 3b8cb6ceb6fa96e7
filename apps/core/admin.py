"""The admin site's name, on every admin page (its header, its tab title and its index)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("PE Roadmap Portal administration")
admin.site.site_title = _("PE Roadmap Portal")
admin.site.index_title = _("Administration")
