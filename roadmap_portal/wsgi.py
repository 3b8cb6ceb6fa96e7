import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings.local")

application = get_wsgi_application()

# Import the URLconf (and with it every view, serializer and form module) as the worker
# starts, not in the first request it serves: that import is some 0.4 s, which every request
# queued behind a new worker's first one waited for (a deploy, a restart, a recycled worker).
import_module(settings.ROOT_URLCONF)
