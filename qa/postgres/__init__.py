"""The shared deployment's PostgreSQL database (``QA_DATABASE_URL``): one versioned schema, one way to connect.

Plain psycopg 3 with versioned SQL rather than SQLAlchemy and Alembic: each table is written by a handful of
fixed statements, so an ORM would add a layer and a dependency without removing any SQL, and the schema's
history is a short list of numbered steps (``schema.MIGRATIONS``) applied in order and recorded in
``schema_version``.
"""
