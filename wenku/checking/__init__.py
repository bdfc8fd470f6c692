"""查重: check a text against the library and catch near-duplicate documents.

wenku.checking.service      check_text() -> CheckReport (the one entry point for web, API and CLI)
wenku.checking.duplicates   review_new_documents(): near-duplicate detection and its policy on import
wenku.checking.follower     keeps the fingerprint index in step with the search index's outbox
"""
