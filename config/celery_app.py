"""The Celery application. Beat runs with `HeartbeatScheduler` so /healthz can tell it is alive."""

import os

from celery import Celery
from celery.beat import PersistentScheduler
from django.conf import settings
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("retention_desk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class HeartbeatScheduler(PersistentScheduler):
    """Beat's own scheduler, writing a timestamp to Redis on every tick (at most every 10 s).

    The heartbeat is written by beat itself rather than by a task, so a stopped worker is
    reported as the worker being down, not beat.
    """

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        import_string(settings.BEAT_HEARTBEAT_RECORDER)()
        return min(interval, 10)
