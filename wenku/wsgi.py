import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
application = get_wsgi_application()

from wenku.web.hosts import refuse_unconfigured  # noqa: E402 - needs the apps loaded

refuse_unconfigured()  # never any host or unconfigured, outside the demo (wenku serve --demo)
