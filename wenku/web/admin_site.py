"""The admin site, with two requests that Django's admin answers with a 500 made harmless.

Every ModelAdmin registered (the site's own and Django's User and Group) gets HardenedModelAdmin mixed in:

- ``?_to_field=`` (empty) on a change or delete page: Django looks the empty string up as a field name and raises
  FieldDoesNotExist. Empty now means what it means everywhere else: no field given, the primary key.
- ``?created=<anything>`` on an add page: Django prefills the form with the string as it is, and the date and time
  widget cannot split a string. A prefilled value a date/time field cannot read is dropped; one it can read is
  given to the form as the date/time it stands for.
"""

from __future__ import annotations

import datetime

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

_TEMPORAL = (models.DateField, models.TimeField)  # DateTimeField is a DateField


class HardenedModelAdmin:
    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not isinstance(field, _TEMPORAL) or isinstance(value, datetime.date | datetime.time):
                continue
            try:
                initial[name] = field.formfield().clean(value)
            except ValidationError:
                del initial[name]
        return initial


class WenkuAdminSite(AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        base = admin_class or ModelAdmin
        if not issubclass(base, HardenedModelAdmin):
            base = type(base.__name__, (HardenedModelAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)


class WenkuAdminConfig(AdminConfig):
    default_site = "wenku.web.admin_site.WenkuAdminSite"
