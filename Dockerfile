# The portal's image: gunicorn for the web; the same image runs the Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=roadmap_portal.settings.production

# WeasyPrint needs pango and fonts; evidence checks need libmagic; gettext compiles the
# translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core libmagic1 gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so that code changes do not reinstall them.
COPY pyproject.toml README.md ./
COPY requirements/ requirements/
RUN pip install -c requirements/constraints.txt .
COPY . .
RUN SECRET_KEY="build-only-$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=build \
    sh -c 'python manage.py collectstatic --noinput && python manage.py compilemessages -v0' \
    && useradd --create-home portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "roadmap_portal.wsgi:application", "--config", "roadmap_portal/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
