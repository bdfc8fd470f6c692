"""The uploads pages, one module per area: upload, the user's own documents, reports, moderation."""
