"""Moderation: the pending queue (approve, reject) and resolving reports.

Every change goes through Document.save(), which writes the search outbox in the same transaction (a rejected or
hidden document leaves the index, an approved public one enters it) and, with "updated" saved too, moves the
document's cache keys on.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenku.library.models import Document, Status, Visibility
from wenku.ops.events import log_moderation
from wenku.uploads.models import Decision, Report


def approve(document: Document, staff) -> None:
    with transaction.atomic():
        document.status = Status.PUBLISHED
        document.save(update_fields=["status", "updated"])
        Decision.objects.create(document=document, action=Decision.Action.APPROVE, staff=staff)
    log_moderation("approve", document, staff)


def reject(document: Document, staff, reason: str = "") -> None:
    with transaction.atomic():
        document.status = Status.REJECTED
        document.save(update_fields=["status", "updated"])
        Decision.objects.create(document=document, action=Decision.Action.REJECT, staff=staff, reason=reason.strip())
    log_moderation("reject", document, staff, reason=reason.strip())


# How far each visibility reaches: making a document reach further is "widening" it.
_REACH = {Visibility.PRIVATE: 0, Visibility.UNLISTED: 1, Visibility.PUBLIC: 2}


def hidden_by_staff(document: Document) -> bool:
    """Set private by staff (a report's outcome) and not made visible again by staff since."""
    if document.visibility != Visibility.PRIVATE:
        return False
    last = document.decisions.order_by("-created", "-id").first()
    return last is not None and last.action == Decision.Action.HIDE


def visibility_locked(document: Document, editor) -> bool:
    """Whether ``editor`` may not change the document's visibility: a rejected or hidden document's visibility
    and status are staff's to change, so an uploader cannot undo a staff decision by editing."""
    return not editor.is_staff and (document.status == Status.REJECTED or hidden_by_staff(document))


def edit_needs_review(document: Document, before: dict, editor) -> bool:
    """Whether an edit (``document`` as edited, ``before`` its title, description and visibility before) sends
    a published document back to moderation: a non-staff uploader changed what readers see first (title,
    简介) or let it reach further. Staff edits go live; narrowing the visibility or changing the category too."""
    if editor.is_staff or document.status != Status.PUBLISHED:
        return False
    text_changed = document.title != before["title"] or document.description != before["description"]
    widened = _REACH[Visibility(document.visibility)] > _REACH[Visibility(before["visibility"])]
    return text_changed or widened


def rejection_reason(document: Document) -> str:
    decision = document.decisions.filter(action=Decision.Action.REJECT).first()
    return decision.reason if decision else ""


def report(document: Document, reporter, reason: str, detail: str = "") -> Report:
    """File a report; a reader has at most one open report per document (a second one updates it)."""
    open_report = Report.objects.filter(document=document, reporter=reporter, resolved__isnull=True).first()
    if open_report:
        open_report.reason, open_report.detail = reason, detail.strip()
        open_report.save(update_fields=["reason", "detail"])
        return open_report
    try:
        with transaction.atomic():
            return Report.objects.create(document=document, reporter=reporter, reason=reason, detail=detail.strip())
    except IntegrityError:  # the same reader reported twice at the same moment
        return Report.objects.get(document=document, reporter=reporter, resolved__isnull=True)


def resolve_reports(document: Document, staff, outcome: str, note: str = "") -> int:
    """Close all open reports of ``document``; hide it (private) or reject it when that is the outcome.
    Returns how many reports were closed."""
    with transaction.atomic():
        if outcome == Report.Outcome.HIDDEN:
            document.visibility = Visibility.PRIVATE
            document.save(update_fields=["visibility", "updated"])
            Decision.objects.create(document=document, action=Decision.Action.HIDE, staff=staff, reason=note.strip())
        elif outcome == Report.Outcome.REJECTED:
            reject(document, staff, note)
        closed = Report.objects.filter(document=document, resolved__isnull=True).update(
            resolved=timezone.now(), resolved_by=staff, outcome=outcome
        )
    if outcome == Report.Outcome.HIDDEN:
        log_moderation("hide", document, staff, reason=note.strip())
    log_moderation("resolve_reports", document, staff, outcome=str(outcome), reports=closed, note=note.strip())
    return closed
