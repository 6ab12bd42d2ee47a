# One image for web (gunicorn), Celery worker and Celery beat; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Pango and fonts for WeasyPrint's PDF reports (Latin, Cyrillic and Burmese scripts).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt .
COPY . .
# var/media exists in the image, owned by the app's user, so that the volume docker-compose mounts there is too
# (a new volume on a path the image lacks is root's, and uploads and exports failed).
RUN DEBUG=false SECRET_KEY=collectstatic-only VAR_DIR=/app/var python manage.py collectstatic --noinput \
 && useradd --create-home cop && mkdir -p /app/var/media && chown -R cop /app/var
USER cop
EXPOSE 8000
CMD ["gunicorn", "cop_platform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
