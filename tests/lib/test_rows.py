"""insert_rows: plain multi-row INSERTs that store what the ORM would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from wenku.lib.rows import insert_rows
from wenku.library.models import DocumentChange, FollowUp

pytestmark = pytest.mark.django_db


def test_rows_are_stored_as_the_orm_reads_them():
    moment = datetime(2026, 12, 4, 8, 30, 15, 123456, tzinfo=UTC)
    insert_rows(DocumentChange, ("document_id", "created"), [(7, moment), (8, moment)])
    assert sorted(DocumentChange.objects.values_list("document_id", "created")) == [(7, moment), (8, moment)]


def test_a_conflicting_row_is_skipped_and_the_others_are_stored():
    FollowUp.enqueue([1, 2], FollowUp.Step.REVIEW)
    FollowUp.enqueue([2, 3], FollowUp.Step.REVIEW)  # 2 is waiting already: no error, no second row
    assert sorted(FollowUp.objects.values_list("document_id", flat=True)) == [1, 2, 3]
    row = FollowUp.objects.get(document_id=3)
    assert (row.step, row.attempts, row.last_error) == ("review", 0, "")
    with pytest.raises(IntegrityError), transaction.atomic():  # without skip_conflicts the constraint holds
        insert_rows(
            FollowUp, ("document_id", "step", "created", "attempts", "last_error"), [(1, "review", row.created, 0, "")]
        )
