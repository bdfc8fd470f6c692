"""Staff decisions stick: an uploader cannot undo a staff hide or rejection by editing, and an uploader's edit of
what readers see (title, 简介, a wider visibility) after approval waits for moderation again; staff edits go live."""

from __future__ import annotations

import pytest

from tests.uploads.conftest import upload
from wenku.library.models import Document, Status, Visibility
from wenku.uploads.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(owner_client, staff_client, r2024, tmp_path) -> Document:
    """An upload by a non-staff owner, approved by staff: public and published."""
    from tests import samples

    sample = samples.write_text(tmp_path / "报告.txt", [r2024.title, *r2024.body(count=20)], "utf-8")
    upload(owner_client, sample.path, visibility="public")
    document = Document.objects.get()
    assert document.status == Status.PENDING
    assert staff_client.post(f"/moderation/{document.pk}/approve/").status_code == 302
    document.refresh_from_db()
    assert (document.status, document.visibility) == (Status.PUBLISHED, Visibility.PUBLIC)
    return document


def edit(client, document: Document, **changes):
    data = {"title": document.title, "description": document.description, "visibility": document.visibility}
    data.update(changes)
    return client.post(f"/d/{document.pk}/edit/", data)


def hide(staff_client, other_client, document: Document) -> None:
    """A reader reports the document and staff resolve the report by hiding it (设为私有)."""
    assert other_client.post(f"/d/{document.pk}/report/", {"reason": "copyright"}).status_code == 302
    response = staff_client.post(f"/moderation/{document.pk}/resolve/", {"outcome": "hidden", "note": "侵权"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.visibility == Visibility.PRIVATE


def test_an_uploader_cannot_undo_a_staff_hide(owner_client, staff_client, other_client, client, approved):
    hide(staff_client, other_client, approved)
    page = owner_client.get(f"/d/{approved.pk}/edit/").content.decode()
    assert "可见性只能由管理员修改" in page
    for visibility in ("public", "unlisted"):
        assert edit(owner_client, approved, visibility=visibility).status_code == 302
        approved.refresh_from_db()
        assert approved.visibility == Visibility.PRIVATE, visibility
    assert client.get(f"/d/{approved.pk}/").status_code == 404
    assert client.get(f"/u/{approved.access_key}/").status_code == 404


def test_an_uploader_cannot_undo_a_rejection(owner_client, staff_client, client, approved):
    assert staff_client.post(f"/moderation/{approved.pk}/reject/", {"reason": "违规"}).status_code == 302
    for visibility in ("private", "unlisted", "public"):
        edit(owner_client, approved, visibility=visibility, title=f"改了的标题{visibility}")
        approved.refresh_from_db()
        assert (approved.status, approved.visibility) == (Status.REJECTED, Visibility.PUBLIC), visibility
    assert client.get(f"/d/{approved.pk}/").status_code == 404


@pytest.mark.parametrize(
    "changes",
    [{"title": "换了的标题"}, {"description": "新写的简介"}, {"title": "换了的标题", "description": "新写的简介"}],
)
def test_an_uploaders_edit_after_approval_waits_for_review(owner_client, staff_client, client, approved, changes):
    response = edit(owner_client, approved, **changes)
    assert response.status_code == 302 and response["Location"] == "/my/documents/"
    approved.refresh_from_db()
    assert approved.status == Status.PENDING
    assert client.get(f"/d/{approved.pk}/").status_code == 404  # not live before staff look at it
    mine = owner_client.get("/my/documents/").content.decode()
    assert "需要管理员重新审核" in mine and "等待管理员审核" in mine
    assert approved.title in staff_client.get("/moderation/").content.decode()
    staff_client.post(f"/moderation/{approved.pk}/approve/")
    assert client.get(f"/d/{approved.pk}/").status_code == 200


def test_widening_the_visibility_waits_for_review_and_narrowing_does_not(owner_client, client, approved):
    edit(owner_client, approved, visibility="unlisted")  # narrower: live at once
    approved.refresh_from_db()
    assert (approved.status, approved.visibility) == (Status.PUBLISHED, Visibility.UNLISTED)
    assert client.get(f"/u/{approved.access_key}/").status_code == 200
    edit(owner_client, approved, visibility="private")
    approved.refresh_from_db()
    assert approved.status == Status.PUBLISHED
    response = edit(owner_client, approved, visibility="unlisted")  # wider again
    approved.refresh_from_db()
    assert (approved.status, approved.visibility) == (Status.PENDING, Visibility.UNLISTED)
    assert response["Location"] == "/my/documents/"
    assert client.get(f"/u/{approved.access_key}/").status_code == 404


def test_a_category_change_goes_live(owner_client, approved):
    response = edit(owner_client, approved, new_category="新分类")
    approved.refresh_from_db()
    assert approved.status == Status.PUBLISHED and approved.category.name == "新分类"
    assert response["Location"] == f"/d/{approved.pk}/"


def test_staff_edits_go_live_and_staff_may_lift_a_hide(owner_client, staff_client, other_client, client, approved):
    edit(staff_client, approved, title="管理员改的标题", description="管理员写的简介")
    approved.refresh_from_db()
    assert (approved.title, approved.status) == ("管理员改的标题", Status.PUBLISHED)
    assert "管理员改的标题" in client.get(f"/d/{approved.pk}/").content.decode()
    hide(staff_client, other_client, approved)
    assert "可见性只能由管理员修改" not in staff_client.get(f"/d/{approved.pk}/edit/").content.decode()
    edit(staff_client, approved, visibility="public")
    approved.refresh_from_db()
    assert (approved.visibility, approved.status) == (Visibility.PUBLIC, Status.PUBLISHED)
    assert client.get(f"/d/{approved.pk}/").status_code == 200
    edit(owner_client, approved, visibility="private")  # lifted: the visibility is the uploader's again
    approved.refresh_from_db()
    assert approved.visibility == Visibility.PRIVATE
    assert Decision.objects.filter(document=approved, action=Decision.Action.HIDE).count() == 1


def test_a_staff_uploaders_own_edits_go_live(staff_client, client, r2023, tmp_path):
    from tests import samples

    sample = samples.write_text(tmp_path / "二.txt", [r2023.title, *r2023.body(count=20)], "utf-8")
    upload(staff_client, sample.path, visibility="private")
    document = Document.objects.get()
    edit(staff_client, document, title="新标题", visibility="public")
    document.refresh_from_db()
    assert (document.title, document.status, document.visibility) == ("新标题", Status.PUBLISHED, Visibility.PUBLIC)
    assert client.get(f"/d/{document.pk}/").status_code == 200
