"""The visibility rule said twice in one place (SQL for queries, Python for one row) never disagrees."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import AnonymousUser

from wenku.library.models import Document, DocumentQuerySet, Status, Visibility
from wenku.library.reading_state import listed_titles, reading_state


def test_openable_by_and_opens_for_agree_in_every_case(reports_dir, import_one, django_user_model):
    owner = django_user_model.objects.create_user("owner", password="pw-long-enough-1")
    other = django_user_model.objects.create_user("other", password="pw-long-enough-1")
    staff = django_user_model.objects.create_user("staff", password="pw-long-enough-1", is_staff=True)
    document = Document.objects.get(pk=import_one(reports_dir / "1978.txt").id)
    people = {"anonymous": AnonymousUser(), "owner": owner, "other": other, "staff": staff}
    cases = 0
    for status, visibility, uploader in itertools.product(Status.values, Visibility.values, [owner, None]):
        Document.objects.filter(pk=document.pk).update(status=status, visibility=visibility, uploader=uploader)
        for name, user in people.items():
            uploader_id = uploader.pk if uploader else None
            in_sql = Document.objects.openable_by(user).filter(pk=document.pk).exists()
            in_python = DocumentQuerySet.opens_for(user, status, visibility, uploader_id)
            assert in_sql == in_python, (status, visibility, uploader, name)
            assert (reading_state(document.pk, user) is not None) == in_sql
            assert Document.objects.openable_at(user, document.pk).exists() == in_sql
            by_key_sql = Document.objects.openable_by(user, key=document.access_key).exists()
            by_key_python = DocumentQuerySet.opens_for(user, status, visibility, uploader_id, by_key=True)
            assert by_key_sql == by_key_python, ("by key", status, visibility, uploader, name)
            assert (reading_state(document.access_key, user) is not None) == by_key_sql
            assert Document.objects.openable_at(user, document.access_key).exists() == by_key_sql
            if visibility == Visibility.UNLISTED and name in ("anonymous", "other"):  # by key only
                assert by_key_sql == (status == Status.PUBLISHED) and not in_sql
            listed_sql = Document.objects.listed_for(user).filter(pk=document.pk).exists()
            assert listed_sql == DocumentQuerySet.lists_for(user, status, visibility, uploader_id), (status, name)
            assert (document.pk in listed_titles([document.pk], user)) == listed_sql
            cases += 1
    assert cases == 3 * 3 * 2 * 4
    assert reading_state(document.pk + 1000, staff) is None
    assert reading_state("no-such-key-0123456789", staff) is None
