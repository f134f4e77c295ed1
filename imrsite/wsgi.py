"""WSGI entry point (gunicorn imrsite.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings.prod")
application = get_wsgi_application()
