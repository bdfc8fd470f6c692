"""Chinese full-text search. The public surface other apps use is here; the rest is private to the package.

Import from the submodules where needed (Django models must not load at package import time):
    wenku.search.service   search(), record_query(), QueryError
    wenku.search.indexing  apply_pending(), rebuild(), reindex_documents()
    wenku.search.dictionary add_site_word()
"""
