"""Make corpus/, the current generation and the journal agree after a crash.

Run at start-up by the API and by ``qa ingest`` (before they take new work), and by the API's job runner
when a build child dies. Each unfinished job whose every process is gone (``qa.jobs.owners``) ends in the
state before it or after it:

========  ==========================  ===========================================================
kind      where it stopped            outcome
========  ==========================  ===========================================================
upload    before the file was stored  rolled back: temp file and any link removed; failed (no 202
          (step "received")           was sent, the client saw an error)
upload    stored, index has it        done (it crashed between publishing and journaling)
upload    stored, index lacks it      resumed: queued again (at most ``job_max_attempts`` runs),
                                      then rolled back: file removed, failed
delete    before the move finished    rolled back: files moved back from the trash; failed
delete    moved, index lacks it       done (the move is completed for the sidecar)
delete    moved, index has it         resumed, then rolled back like an upload
ingest    anywhere                    done if ``current`` moved past the generation it started
                                      from, else failed (the previous generation still serves)
========  ==========================  ===========================================================

With ``QA_DATABASE_URL`` "corpus/" and the trash are rows in PostgreSQL (``qa.jobs.shared_corpus``, the same
steps): any replica settles a job whose replica died, since the bytes it needs are in the database.

Then the leftovers no job owns are removed: ``.upload-*.part`` files (and their staged sidecars), build temp directories, temp
``current`` links, generations other than the current one and the one before it, leases of dead
processes; and the trash is pruned by age and size.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
from dataclasses import dataclass, field
from typing import Literal

from qa.index.layout import current_generation, remove_stale_temp
from qa.ingest.metadata import sidecar_name
from qa.jobs.journal import JobJournal
from qa.jobs.model import Job
from qa.jobs.open_corpus import open_corpus
from qa.jobs.owners import Owners, open_owners
from qa.jobs.state import current_name, indexed_sources
from qa.settings import Settings

logger = logging.getLogger(__name__)

Why = Literal["restart", "crashed", "cancelled"]

_RESTARTED = "Máy chủ đã khởi động lại khi tác vụ đang chạy"
_DETAIL = {
    "upload_not_received": "Máy chủ dừng khi đang nhận tệp; không có thay đổi nào. Hãy tải lên lại.",
    "delete_not_received": "Máy chủ dừng khi đang xoá; tài liệu vẫn còn nguyên. Hãy xoá lại.",
    "resumed": f"{_RESTARTED}; tác vụ được chạy lại.",
    "done_after_restart": "Đã hoàn tất (ghi nhận sau khi máy chủ khởi động lại).",
    "gave_up": "Lập chỉ mục bị gián đoạn nhiều lần; đã hoàn tác, không có thay đổi nào.",
    "crashed": "Tiến trình lập chỉ mục dừng bất thường; đã hoàn tác, không có thay đổi nào.",
    "cancelled": "Đã huỷ theo yêu cầu; không có thay đổi nào.",
    "ingest_interrupted": "Lập chỉ mục bị gián đoạn; chỉ mục trước đó vẫn được dùng. Hãy chạy lại `qa ingest`.",
    "missing": "Tệp không còn trong thư mục tài liệu; không có thay đổi nào.",
}


@dataclass(slots=True)
class ReconcileReport:
    completed: list[str] = field(default_factory=list)  # job ids found done
    resumed: list[str] = field(default_factory=list)
    rolled_back: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # leftover files and directories (names)

    @property
    def changed(self) -> bool:
        return bool(self.completed or self.resumed or self.rolled_back or self.removed)


class Reconciler:
    def __init__(self, settings: Settings, journal: JobJournal, owners: Owners | None = None) -> None:
        self.settings = settings
        self.journal = journal
        self.owners = owners or open_owners(settings)
        self.index_dir = settings.index_dir
        self.corpus = open_corpus(settings)

    # ------------------------------------------------------------------ start-up

    def run(self) -> ReconcileReport:
        report = ReconcileReport()
        self.take_over_dead(report)
        self._remove_orphans(report)
        if report.changed:
            logger.info(
                "reconciled: %d done, %d resumed, %d rolled back, %d leftovers removed",
                len(report.completed),
                len(report.resumed),
                len(report.rolled_back),
                len(report.removed),
            )
        return report

    # ------------------------------------------------------------------ one job

    def settle(self, job: Job, why: Why, report: ReconcileReport | None = None) -> None:
        """End (or requeue) one job whose processes are gone, as the table in the module doc says."""
        report = report if report is not None else ReconcileReport()
        if job.kind == "ingest":
            now = current_name(self.settings)
            if now is not None and now != job.generation:  # it published before it stopped
                self._finish(job, "done", _DETAIL["done_after_restart"], report.completed)
            elif why == "cancelled":
                self._finish(job, "cancelled", _DETAIL["cancelled"], report.rolled_back)
            else:
                self._finish(job, "failed", _DETAIL["ingest_interrupted"], report.rolled_back)
            return
        if job.step == "received":
            self.undo(job)
            key = "upload_not_received" if job.kind == "upload" else "delete_not_received"
            self._finish(job, "failed", _DETAIL[key], report.rolled_back)
            return
        if self.effect_visible(job):
            if job.kind == "delete":
                self.corpus.to_trash(job.trash)  # a sidecar the crash left behind
            self._finish(job, "done", _DETAIL["done_after_restart"], report.completed)
            return
        if why == "restart" and job.attempts < self.settings.job_max_attempts and self._inputs_intact(job):
            if job.kind == "delete":
                self.corpus.to_trash(job.trash)
            self.journal.requeue(job.job_id, _DETAIL["resumed"])
            report.resumed.append(job.job_id)
            return
        self.undo(job)
        if why == "cancelled":
            self._finish(job, "cancelled", _DETAIL["cancelled"], report.rolled_back)
        elif why == "crashed":
            self._finish(job, "failed", _DETAIL["crashed"], report.rolled_back)
        elif self._inputs_intact(job):
            self._finish(job, "failed", _DETAIL["gave_up"], report.rolled_back)
        else:
            self._finish(job, "failed", _DETAIL["missing"], report.rolled_back)

    def effect_visible(self, job: Job) -> bool:
        """Whether the current generation already shows the job's result."""
        indexed = indexed_sources(self.settings)
        if job.kind == "upload":
            return job.source is not None and indexed.get(job.source) == job.sha256
        if job.kind == "delete":
            return job.source not in indexed
        return False

    def undo(self, job: Job) -> None:
        """Put the corpus back as it was before the job."""
        if job.kind == "upload":
            if job.staged:
                self.corpus.drop_staged(job.staged)
            if job.source:
                self.corpus.remove(job.source, job.sha256)
        elif job.kind == "delete":
            self.corpus.restore(job.trash)

    def _inputs_intact(self, job: Job) -> bool:
        if job.kind == "upload":
            return (
                job.source is not None
                and job.sha256 is not None
                and self.corpus.holds(job.source, job.sha256)
            )
        return True  # a delete can always be run again

    def _finish(
        self, job: Job, status: Literal["done", "failed", "cancelled"], detail: str, into: list[str]
    ) -> None:
        generation = current_name(self.settings) if status == "done" else None
        self.journal.finish(job.job_id, status, detail, generation=generation)
        into.append(job.job_id)

    # ------------------------------------------------------------------ leftovers

    def take_over_dead(
        self, report: ReconcileReport | None = None, mine: str | None = None
    ) -> ReconcileReport:
        """Settle the unfinished jobs whose owner is gone (not ``mine``: this process's lease), each while holding
        the dead owner's lease, so that two replicas looking at once do not both settle it. Run at start-up and,
        by every API's job runner, periodically: a replica killed with its job is taken over by the others."""
        report = report if report is not None else ReconcileReport()
        for job in self.journal.list_unfinished():
            if job.owner == mine or not (job.status == "running" or job.step == "received"):
                continue
            with self.owners.claim_dead(job.owner) as dead:
                current = self.journal.get(job.job_id) if dead else None
                if current is not None and current.owner == job.owner and current.status == job.status:
                    self.settle(current, "restart", report)  # still as seen: nobody settled it meanwhile
        return report

    def _remove_orphans(self, report: ReconcileReport) -> None:
        unfinished = self.journal.list_unfinished()
        owned_parts = {j.staged for j in unfinished if j.staged}
        owned_parts |= {sidecar_name(name) for name in owned_parts}
        for part in self.corpus.staged_files():
            if part.name not in owned_parts:
                part.unlink(missing_ok=True)
                report.removed.append(part.name)
        report.removed += [f".owners/{name}" for name in self.owners.remove_dead()]
        if self.index_dir.is_dir():
            self._clean_generations(report)
        keep = {trashed for j in unfinished for _, trashed in j.trash}
        mb = 1024 * 1024
        report.removed += self.corpus.prune_trash(
            self.settings.trash_max_age_days, int(self.settings.trash_max_mb * mb), keep
        )

    def _clean_generations(self, report: ReconcileReport) -> None:
        """Under the build lock (skipped while a live build holds it: that build cleans up after itself)."""
        with (self.index_dir / ".lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            stale = [p.name for p in self.index_dir.glob(".gen-*")]
            remove_stale_temp(self.index_dir)
            for path in self.index_dir.glob(".gen-*.old-*"):
                shutil.rmtree(path, ignore_errors=True)
            for link in self.index_dir.glob(".current-*"):
                link.unlink(missing_ok=True)
                stale.append(link.name)
            report.removed += stale
            current = current_generation(self.index_dir)
            if current is None:
                return
            numbers = sorted(int(p.name[4:]) for p in self.index_dir.glob("gen-*") if p.name[4:].isdigit())
            now = int(current.name[4:])
            keep = {now, max((n for n in numbers if n < now), default=now)}
            for n in numbers:
                if n not in keep:
                    shutil.rmtree(self.index_dir / f"gen-{n:06d}", ignore_errors=True)
                    report.removed.append(f"gen-{n:06d}")


def reconcile(settings: Settings, journal: JobJournal, owners: Owners | None = None) -> ReconcileReport:
    return Reconciler(settings, journal, owners).run()
