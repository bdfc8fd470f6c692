"""Deletions enter the outbox inside the deleting transaction (saves do so in Document.save)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from wenku.library.models import Document, DocumentChange


@receiver(post_delete, sender=Document)
def record_deletion(sender, instance: Document, **kwargs) -> None:
    DocumentChange.objects.create(document_id=instance.pk)
