class ImportRefused(Exception):
    """A file (or record) that cannot become a document; the message is the reason shown to the user."""
