import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop_platform.settings")

app = Celery("cop_platform")
# Every CELERY_* Django setting configures Celery (see settings.py for the broker choice).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
