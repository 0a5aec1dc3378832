"""What the routes get injected: the services of this app instance, the live index, access checks."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
from dataclasses import dataclass, field

from fastapi import Depends, Header, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from qa.api.jobs import JobRunner
from qa.api.live import Live, LiveIndex
from qa.api.stores.answers import AnswerStore
from qa.api.stores.feedback import FeedbackStore
from qa.api.stores.open_stores import Stores, open_stores
from qa.api.throttle import KeyThrottle
from qa.jobs.corpus import CorpusFiles
from qa.jobs.journal import JobJournal
from qa.jobs.open_corpus import open_corpus
from qa.jobs.open_journal import open_journal
from qa.jobs.owners import Lease, Owners, open_owners
from qa.settings import Settings

JSON_BODY_LIMIT = 64 * 1024  # JSON requests: a question, filters and a short history
MULTIPART_SLACK = 64 * 1024  # multipart framing around an upload at the size limit


@dataclass(slots=True)
class Services:
    """Everything one app instance shares across requests; created in the lifespan, not at import."""

    settings: Settings
    live: LiveIndex
    journal: JobJournal
    owners: Owners
    lease: Lease
    jobs: JobRunner
    corpus: CorpusFiles
    api_keys: tuple[str, ...]
    stores: Stores
    throttle: KeyThrottle
    # Name choice, journal entry and file move of uploads and deletes, one at a time.
    corpus_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(cls, settings: Settings) -> Services:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        if settings.database_url:
            from qa.jobs.corpus_copy import fill_once

            # Before the first upload or delete: a delete must find the file in the database's corpus.
            fill_once(settings)
        live = LiveIndex(settings)
        journal = open_journal(settings)
        owners = open_owners(settings)
        lease = owners.take()
        keys = tuple(k.strip() for k in settings.api_keys.split(",") if k.strip())
        return cls(
            settings,
            live,
            journal,
            owners,
            lease,
            JobRunner(settings, journal, owners, lease, live),
            open_corpus(settings),
            keys,
            open_stores(settings),
            KeyThrottle(settings.key_failures_allowed, settings.key_failure_window_seconds),
        )

    @property
    def answers(self) -> AnswerStore:
        return self.stores.answers

    @property
    def feedback(self) -> FeedbackStore:
        return self.stores.feedback

    def valid_key(self, key: str | None) -> bool:
        # Compare every key in constant time: the answer must not leak how much of a key matched.
        return bool(key) and any(hmac.compare_digest(str(key).encode(), k.encode()) for k in self.api_keys)

    @property
    def max_upload_bytes(self) -> int:
        return upload_limit(self.settings)


def upload_limit(settings: Settings) -> int:
    return int(settings.max_upload_mb * 1024 * 1024)


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_live(services: Services = Depends(get_services)) -> Live:
    services.live.ensure_on_disk()
    live = services.live.current
    if live is None:
        raise HTTPException(503, services.live.problem)
    return live


api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="Khoá API (một trong các giá trị của QA_API_KEYS)"
)


# Routes that work without a key but file the history under it when a valid one comes along. A plain
# optional header: declaring it as a security scheme would tell clients the key is required.
OPTIONAL_KEY = Header(
    None,
    alias="X-API-Key",
    max_length=200,
    description="Khoá API (không bắt buộc): khi hợp lệ, lịch sử được lưu theo người giữ khoá",
)


def _check_key(services: Services, request: Request, key: str | None) -> None:
    if not services.api_keys:
        raise HTTPException(401, "Máy chủ chưa cấu hình khoá API (QA_API_KEYS): thao tác này bị từ chối.")
    client = request.client.host if request.client else "?"
    wait = services.throttle.retry_after(client)
    if wait > 0:
        raise HTTPException(
            429,
            f"Sai khoá API quá nhiều lần; hãy thử lại sau {math.ceil(wait)} giây.",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    if not services.valid_key(key):
        if key:
            services.throttle.failed(client)
        raise HTTPException(401, "Thiếu hoặc sai khoá API (tiêu đề X-API-Key).")


def key_fingerprint(key: str) -> str:
    """A short name for a key that does not reveal it: the history of a key holder is kept under it."""
    return "k-" + hashlib.sha256(key.encode()).hexdigest()[:30]


def history_owner(services: Services, key: str | None, claimed: str) -> str:
    """Whose history a request reads or writes: the key holder's when a valid key comes with it (the
    same history in every browser), else the browser's own id."""
    return key_fingerprint(str(key)) if services.valid_key(key) else claimed


def require_write_key(
    request: Request, services: Services = Depends(get_services), key: str | None = Security(api_key_header)
) -> None:
    _check_key(services, request, key)


def require_read_key(
    request: Request, services: Services = Depends(get_services), key: str | None = Security(api_key_header)
) -> None:
    """Only attached to the read routes when QA_PROTECT_READS=true (see create_app)."""
    _check_key(services, request, key)
