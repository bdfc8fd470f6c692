"""Where fingerprints are kept: files in the data dir by default, a table when the database is PostgreSQL."""
