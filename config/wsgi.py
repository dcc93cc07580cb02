import os

from django.core.wsgi import get_wsgi_application

from config.server import shed_when_queued_too_long

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = shed_when_queued_too_long(get_wsgi_application())
