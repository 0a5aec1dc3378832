"""What the API keeps besides the index: saved answers (history, share links) and feedback.

Each store is a small typed interface (a ``Protocol``) with one SQLite implementation that lives beside
the index (``QA_STORE_DIR``, default the index directory) for the embedded mode; a server database
(PostgreSQL) only has to implement the same few methods.
"""
