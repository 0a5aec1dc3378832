"""What the API keeps besides the index: saved answers (history, share links) and feedback.

Each store is a small typed interface (a ``Protocol``) with two implementations, chosen by ``open_stores``:
SQLite files beside the index (``QA_STORE_DIR``, default the index directory) in the embedded mode, and the
shared PostgreSQL database (``QA_DATABASE_URL``) that every API replica reads and writes.
"""
