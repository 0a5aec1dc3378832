"""The database's schema as numbered steps: step N is ``MIGRATIONS[N - 1]``. Append new steps; never edit one
that has shipped. Every process applies the steps its database lacks at start-up, under an advisory lock, so
replicas starting together do not race."""

from __future__ import annotations

from psycopg import Connection
from psycopg.rows import DictRow

MIGRATION_LOCK = 0x716A6F62  # advisory lock key ("qjob") held while the schema is brought up to date

MIGRATIONS: tuple[str, ...] = (
    # 1: the job journal (qa.jobs.postgres_journal)
    """
    CREATE TABLE jobs (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('upload', 'delete', 'ingest')),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        step text NOT NULL CHECK (step IN ('received', 'stored')),
        stage text,
        detail text NOT NULL,
        doc_id text,
        source text,
        sha256 text,
        staged text,
        trash jsonb NOT NULL DEFAULT '[]',
        documents jsonb NOT NULL DEFAULT '[]',
        generation text,
        owner text,
        attempts integer NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        files_done integer NOT NULL DEFAULT 0,
        files_total integer NOT NULL DEFAULT 0,
        chunks_done integer NOT NULL DEFAULT 0,
        chunks_total integer NOT NULL DEFAULT 0,
        eta_seconds double precision,
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz
    );
    CREATE INDEX jobs_claimable ON jobs (seq) WHERE status = 'queued' AND step = 'stored';
    CREATE INDEX jobs_unfinished ON jobs (seq) WHERE status IN ('queued', 'running');
    CREATE INDEX jobs_doc ON jobs (doc_id, seq);
    """,
    # 2: saved answers and feedback (qa.api.stores.postgres_answers, qa.api.stores.postgres_feedback). The
    # response is `json`, not `jsonb`: it is kept as the service wrote it and never queried into.
    """
    CREATE TABLE answers (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        answer_id text NOT NULL UNIQUE,
        owner text NOT NULL,
        conversation_id text NOT NULL,
        question text NOT NULL,
        filters jsonb NOT NULL,
        response json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX answers_by_owner ON answers (owner, conversation_id, seq);
    CREATE TABLE feedback (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        rating text NOT NULL CHECK (rating IN ('up', 'down')),
        comment text,
        question text NOT NULL,
        answer text NOT NULL,
        answer_id text,
        filters jsonb NOT NULL
    );
    """,
    # 3: published index generations (qa.index.shared_store): each generation's store (the rows of its
    # store.sqlite, keyed by the generation's number) and its other files as blobs; `current_generation` is the
    # one-row pointer replicas serve, moved in the transaction that publishes a generation. Figures and
    # regulations keep their JSON text as the SQLite store does (`json`, never queried into); lines and chunks
    # are columns, read per document.
    """
    CREATE TABLE generations (
        generation integer PRIMARY KEY,
        format integer NOT NULL,
        created text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE current_generation (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        generation integer NOT NULL REFERENCES generations
    );
    CREATE TABLE gen_meta (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        key text NOT NULL,
        value json NOT NULL,
        PRIMARY KEY (generation, key)
    );
    CREATE TABLE gen_documents (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        doc_id text NOT NULL, source text NOT NULL, sha256 text NOT NULL, fmt text NOT NULL,
        title text, issuer text, province text, current_province text, kind text, number text, date text,
        years text, n_lines integer, sections integer, tables integer, ingested_at text,
        PRIMARY KEY (generation, doc_id),
        UNIQUE (generation, source)
    );
    CREATE TABLE gen_lines (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        doc_id text NOT NULL, line_no integer NOT NULL, text text NOT NULL, page integer,
        PRIMARY KEY (generation, doc_id, line_no)
    );
    CREATE TABLE gen_chunks (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        chunk_id bigint NOT NULL, doc_id text NOT NULL, source text NOT NULL, section text, text text NOT NULL,
        context text, start_line integer, end_line integer, page integer, kind text, ordinal integer,
        PRIMARY KEY (generation, chunk_id)
    );
    CREATE TABLE gen_figures (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        id integer NOT NULL, doc_id text NOT NULL, data text NOT NULL,
        PRIMARY KEY (generation, id)
    );
    CREATE TABLE gen_regulations (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        id integer NOT NULL, doc_id text NOT NULL, number text NOT NULL, data text NOT NULL,
        PRIMARY KEY (generation, id)
    );
    CREATE TABLE gen_files (
        generation integer NOT NULL REFERENCES generations ON DELETE CASCADE,
        path text NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (generation, path)
    );
    """,
    # 4: the shared corpus (qa.jobs.shared_corpus): the bytes of every file of corpus/ (documents and their
    # `.meta.json` sidecars) and of the trash, so that replicas need not share a disk. `area` is the directory a
    # file would be in (corpus/ or index/.trash/); a move between them is one UPDATE. `corpus_seeded` is a one-row
    # marker: the corpus was filled once from a corpus directory (`qa migrate --to-database`, or the first build
    # on this database), so an empty corpus table afterwards means an empty corpus, not a database never filled.
    """
    CREATE TABLE corpus_files (
        area text NOT NULL CHECK (area IN ('corpus', 'trash')),
        name text NOT NULL,
        data bytea NOT NULL,
        sha256 text NOT NULL,
        size bigint NOT NULL,
        moved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (area, name)
    );
    CREATE INDEX corpus_files_by_sha ON corpus_files (sha256) WHERE area = 'corpus';
    CREATE TABLE corpus_seeded (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        seeded_at timestamptz NOT NULL DEFAULT now(),
        files integer NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseUnavailable(RuntimeError):
    """The shared database cannot be used: it did not answer at start-up, or its schema is newer than this
    release. The message (Vietnamese, without the URL and its password) says what to do."""


def migrate(conn: Connection[DictRow]) -> int:
    """Apply the schema steps this database lacks, in order, in the connection's transaction; returns the
    version."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
    )
    row = conn.execute("SELECT coalesce(max(version), 0) AS v FROM schema_version").fetchone()
    have = int(row["v"]) if row else 0
    if have > SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"Cơ sở dữ liệu (QA_DATABASE_URL) ở phiên bản lược đồ {have}, mới hơn phiên bản {SCHEMA_VERSION} "
            "mà chương trình này biết: hãy cập nhật chương trình."
        )
    for version in range(have + 1, SCHEMA_VERSION + 1):
        conn.execute(MIGRATIONS[version - 1])
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
    return SCHEMA_VERSION
