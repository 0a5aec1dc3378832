"""The honest check: documents nobody tuned for, uploaded through the API like a user, then asked.

Starts the real API (uvicorn, 127.0.0.1, a throwaway corpus = the five shipped documents and an index built
from them), uploads every file of DOCS_DIR with ``POST /documents`` (X-API-Key), waits for each job, then runs
the questions through ``POST /ask`` with the metrics of ``qa eval`` (hit@1, hit@5, figure@1, abstention, false
abstention). The documents are public third-party texts kept outside the repository; only the questions and
where each document was found are committed (eval/unseen/).

  python bench/unseen.py /work/unseen-docs                      # eval/unseen/questions.jsonl
  python bench/unseen.py /work/unseen-docs --questions other.jsonl --out bench/out/unseen.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metadata import check  # noqa: E402
from qa.evaluation import evaluate, load_questions  # noqa: E402
from qa.run_services import api_command, free_port, service  # noqa: E402

KEY = "unseen-check-key"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def upload_all(client: httpx.Client, docs: list[Path], said: dict[str, dict[str, str]]) -> list[dict]:
    """Upload each file like a user; ``said``: what the uploader types for a file whose text does not say it."""
    reports = []
    for path in docs:
        r = client.post(
            "/documents",
            files={"file": (path.name, path.read_bytes())},
            data=said.get(path.name, {}),
            headers={"X-API-Key": KEY},
        )
        if r.status_code != 202:
            reports.append({"source": path.name, "status": r.status_code, "detail": r.json().get("detail")})
            continue
        job = r.json()["job_id"]
        while True:
            state = client.get(f"/jobs/{job}").json()
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        doc = client.get(f"/documents/{r.json()['doc_id']}").json() if state["status"] == "done" else {}
        reports.append(
            {
                "source": path.name,
                "status": state["status"],
                "detail": state["detail"],
                "said": said.get(path.name),
            }
            | {k: doc.get(k) for k in ("title", "province", "kind", "number", "date", "years")}
        )
    return reports


def metadata_table(uploads: list[dict], expected: dict[str, dict]) -> dict[str, int]:
    """Each document's metadata as the API serves it against the expected values (bench/metadata.py's rules)."""
    totals = dict.fromkeys(("title", "kind", "number", "province", "years"), 0)
    for u in uploads:
        exp = expected.get(u["source"])
        if exp is None or u["status"] != "done":
            continue
        ok = check(
            SimpleNamespace(
                **{k: u[k] for k in ("title", "kind", "number", "province")}, years=u["years"] or []
            ),
            exp,
        )
        for k, v in ok.items():
            totals[k] += v
        wrong = [k for k, v in ok.items() if not v]
        typed = f" (typed at upload: {', '.join(u['said'])})" if u.get("said") else ""
        print(f"  {u['source'][:3]}: {'all right' if not wrong else 'wrong ' + ', '.join(wrong)}{typed}")
    return totals


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("docs", type=Path, help="folder of the unseen documents (kept outside the repository)")
    ap.add_argument("--questions", type=Path, default=ROOT / "eval" / "unseen" / "questions.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "unseen.json")
    ap.add_argument("--keep", type=Path, help="keep the index here (to look at errors afterwards)")
    ap.add_argument("--expected", type=Path, default=ROOT / "eval" / "unseen" / "expected_meta.jsonl")
    ap.add_argument(
        "--said",
        type=Path,
        default=ROOT / "eval" / "unseen" / "said_at_upload.jsonl",
        help="what the uploader types for files whose text does not hold it (JSON lines: file + fields)",
    )
    args = ap.parse_args()
    docs = sorted(p for p in args.docs.iterdir() if p.is_file() and not p.name.startswith("."))
    work = Path(tempfile.mkdtemp(prefix="unseen-"))
    corpus, index = work / "corpus", args.keep or work / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    env = dict(
        os.environ,
        QA_CORPUS_DIR=str(corpus),
        QA_INDEX_DIR=str(index),
        QA_API_KEYS=KEY,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    try:
        import subprocess

        subprocess.run([sys.executable, "-m", "qa.cli", "ingest"], env=env, check=True, capture_output=True)
        port = free_port()
        with service("API", api_command(port), f"http://127.0.0.1:{port}/health", env=env):
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300, trust_env=False)
            said = {d.pop("file"): d for d in _jsonl(args.said)} if args.said.is_file() else {}
            uploads = upload_all(client, docs, said)
            for u in uploads:
                print(
                    f"{u['status']:>6}  {u['source']}: {u.get('title')} | {u.get('province')} | {u.get('kind')}"
                )
            expected = {d["file"]: d for d in _jsonl(args.expected)} if args.expected.is_file() else {}
            totals = metadata_table(uploads, expected)
            print("metadata right: " + ", ".join(f"{k} {v}/{len(expected)}" for k, v in totals.items()))
            items = load_questions(args.questions)

            def respond(item: dict) -> dict:
                r = client.post("/ask", json={"question": item["question"], "top_k": 5})
                r.raise_for_status()
                return r.json()

            report = evaluate(items, respond)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    overall = report["summary"]["overall"]
    print(json.dumps(overall, ensure_ascii=False, indent=1))
    for t, block in report["summary"].items():
        if t != "overall":
            print(t, json.dumps(block, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"uploads": uploads, **report}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"JSON: {args.out}")


if __name__ == "__main__":
    main()
