"""The `assistant` command: build, ask, eval, bench, serve; every command takes --index."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

import click

from .encoder import DEFAULT_MODEL, EncoderError
from .readers import ReadError
from .store import IndexProblem, Settings

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")

index_option = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=DEFAULT_INDEX,
                            show_default=True, help="Index folder.")
corpus_option = click.option("--corpus", type=click.Path(path_type=Path), default=None,
                             help="Folder of reply files [default: corpus/, or the one the index was built from].")
# ONNX Runtime is the default: same model, same figures on the dev set, 2.6x faster queries and a 4x faster
# start than PyTorch (assistant bench); the first use exports the packaged weights once (~10 s).
DEFAULT_BACKEND = "onnx"
backend_option = click.option("--backend", type=click.Choice(["torch", "onnx", "onnx-int8"]),
                              default=lambda: os.environ.get("ASSISTANT_BACKEND", DEFAULT_BACKEND),
                              show_default=DEFAULT_BACKEND, help="Encoder back end (env ASSISTANT_BACKEND).")


def settings_from_env(backend: str = DEFAULT_BACKEND) -> Settings:
    return Settings(model=os.environ.get("ASSISTANT_MODEL", DEFAULT_MODEL), backend=backend)


def _progress_builder(quiet: bool):
    """A tqdm bar over files, closed by the caller; quiet builds print nothing."""
    if quiet:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="reply", file=sys.stderr, leave=False)

    def progress(name: str, n: int, total: int) -> None:
        bar.total = total
        bar.set_postfix_str(name[:40])
        bar.update(1)

    return progress, bar.close


def run_build(corpus: Path, index_dir: Path, backend: str = DEFAULT_BACKEND, quiet: bool = False):
    from .store import build_index

    progress, close = _progress_builder(quiet)
    try:
        report = build_index(corpus, index_dir, settings_from_env(backend), progress=progress)
    finally:
        close()
    return report


def ensure_index(index_dir: Path, corpus: Path | None, backend: str):
    """Load the index, building it first when it is missing or stale; say so on stderr, never a traceback."""
    from .store import load_index, read_manifest, stale_reason

    manifest = read_manifest(index_dir)
    corpus_dir = corpus or (Path(manifest["corpus"]) if manifest and manifest.get("corpus") else DEFAULT_CORPUS)
    reason = stale_reason(index_dir, corpus_dir, settings_from_env(backend))
    if reason:
        if not corpus_dir.is_dir():
            raise click.ClickException(f"{reason}, and there is no corpus folder {corpus_dir} to build it from; "
                                       f"run `assistant build --corpus DIR --index {index_dir}`")
        click.echo(f"Index needs building ({reason}); building from {corpus_dir} …", err=True)
        click.echo(run_build(corpus_dir, index_dir, backend).summary(), err=True)
    return load_index(index_dir)


def make_assistant(index_dir: Path, corpus: Path | None, backend: str):
    from .answer import Assistant
    from .encoder import load_encoder
    from .search import Searcher

    index = ensure_index(index_dir, corpus, backend)
    encoder = load_encoder(index.manifest.get("model", DEFAULT_MODEL), backend)
    return Assistant(Searcher(index, encoder), index_dir=index_dir)


class FriendlyGroup(click.Group):
    """Known failures become one clear line and exit 1, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (IndexProblem, ReadError, EncoderError) as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=FriendlyGroup)
@click.version_option(package_name="lanzarote-assistant")
def cli() -> None:
    """Ask the Lanzarote Convention monitoring replies; get the passages that answer, cited."""
    quiet_libraries()


def quiet_libraries() -> None:
    """Offline, and no library progress bars or length warnings on the user's terminal."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


@cli.command()
@corpus_option
@index_option
@backend_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build(corpus: Path | None, index_dir: Path, backend: str, quiet: bool) -> None:
    """Parse, embed and index every reply in the corpus folder (unchanged files are reused)."""
    report = run_build(corpus or DEFAULT_CORPUS, index_dir, backend, quiet)
    click.echo(report.summary())


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--party", default=None, help="The Party, when the reply's title page does not say it right.")
@click.option("--doc-id", default=None, help="The document code, e.g. T-ES(2017)ICT-PT.")
@click.option("--round", "round_", default=None, help="The monitoring round, e.g. 2nd.")
@click.option("--language", default=None, help="The reply's language code (en, fr, pt, es, de, it).")
@corpus_option
@index_option
@backend_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def add(file: Path, party: str | None, doc_id: str | None, round_: str | None, language: str | None,
        corpus: Path | None, index_dir: Path, backend: str, quiet: bool) -> None:
    """Check a reply FILE, copy it into the corpus under a safe name and index it (only new files are embedded)."""
    from .intake import add_reply, check_reply

    overrides = {"party": party, "doc_id": doc_id, "round": round_, "language": language}
    preview = check_reply(file, overrides)
    click.echo(preview.summary(), err=True)
    progress, close = _progress_builder(quiet)
    try:
        result = add_reply(file, corpus or DEFAULT_CORPUS, index_dir, overrides, preview=preview,
                           settings=settings_from_env(backend), progress=progress)
    finally:
        close()
    click.echo(result.message())
    if result.report is not None:
        click.echo(result.report.summary())


@cli.command()
@click.argument("question", required=False)
@click.option("--k", default=5, show_default=True, type=click.IntRange(1, 100), help="Passages to return.")
@click.option("--party", default=None, help="Only this Party's reply.")
@click.option("--pillar", default=None, help="Only this pillar (Prevention, Protection, Legislation, Prosecution).")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help='JSON lines {"id": ..., "query": ...}; one result per line, in order.')
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead of text.")
@index_option
@corpus_option
@backend_option
def ask(question: str | None, k: int, party: str | None, pillar: str | None, batch: Path | None, as_json: bool,
        index_dir: Path, corpus: Path | None, backend: str) -> None:
    """Answer QUESTION with cited passages from the replies."""
    from .answer import to_text

    if not question and not batch:
        raise click.UsageError("give a QUESTION or --batch FILE")
    if party is not None and not party.strip():
        party = None
    requests = _read_batch(batch) if batch else [{"id": None, "query": question}]
    assistant = make_assistant(index_dir, corpus, backend)
    if party and party.lower() not in {p.lower() for p in assistant.searcher.index.parties}:
        known = ", ".join(assistant.searcher.index.parties)
        raise click.ClickException(f"no reply from Party {party!r} in the index; Parties indexed: {known}")
    for req in requests:
        result = assistant.ask(req["query"], k=k, party=party, pillar=pillar, qid=req.get("id"))
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(to_text(result) + "\n")


def _read_batch(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not isinstance(data.get("query"), str):
                raise ValueError('expected an object with a "query" string')
        except ValueError as exc:
            raise click.ClickException(f"{path.name} line {n}: {exc}") from exc
        rows.append({"id": data.get("id"), "query": data["query"]})
    return rows


@cli.command("eval")
@click.option("--questions", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="JSON lines {id, query, gold, kind}.")
@click.option("--misses", is_flag=True, help="Also list the questions whose first passage misses.")
@index_option
@corpus_option
@backend_option
def evaluate(questions: Path, misses: bool, index_dir: Path, corpus: Path | None, backend: str) -> None:
    """Recall@1, Recall@5, MRR@10 (overall and per kind) and abstention on a question set."""
    from .evaluation import evaluate as run_eval
    from .evaluation import format_report, load_rows

    try:
        rows = load_rows(questions)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    assistant = make_assistant(index_dir, corpus, backend)
    report = run_eval(lambda q, k: assistant.ask(q, k=k), rows)
    if misses:
        for r in report.misses(1):
            click.echo(f"miss {r.row.id}: {r.row.query} gold={r.row.gold} first hit at {r.first_hit} "
                       f"top={r.ranked_ids[:3]}")
    click.echo(format_report(report))


DEV_QUESTIONS = Path("../shared/eval/dev_questions.jsonl")


@cli.command()
@click.option("--questions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Question set for latency and eval [default: {DEV_QUESTIONS} if present].")
@click.option("--backends", default="onnx,torch,onnx-int8", show_default=True,
              help="Encoder back ends to compare, comma-separated.")
@click.option("--ablations/--no-ablations", default=True, show_default=True,
              help="Also print what each retrieval method adds.")
@click.option("--replies", type=click.IntRange(2, 500), default=None,
              help="Instead: scale figures on a synthetic round of N replies derived from the first corpus file.")
@click.option("--load", "load", is_flag=True,
              help="Instead: serve the page on a free loopback port and send it 50 questions from 10 clients.")
@index_option
@corpus_option
def bench(questions: Path | None, backends: str, ablations: bool, replies: int | None, load: bool, index_dir: Path,
          corpus: Path | None) -> None:
    """Print build speed, query latency against the encoder floor, peak memory, back ends and ablations."""
    from .bench import fallback_rows, run_ablations, run_scale, run_speed
    from .evaluation import load_rows
    from .store import corpus_files

    names = [b.strip() for b in backends.split(",") if b.strip()]
    unknown = [b for b in names if b not in ("torch", "onnx", "onnx-int8")]
    if unknown:
        raise click.UsageError(f"unknown back end(s): {', '.join(unknown)}")
    corpus_dir = corpus or DEFAULT_CORPUS
    questions = questions or (DEV_QUESTIONS if DEV_QUESTIONS.exists() else None)
    if questions:
        rows = load_rows(questions)
    else:
        ensure_index(index_dir, corpus, names[0])
        rows = fallback_rows(index_dir)
    click.echo(f"corpus {corpus_dir} ({len(list(corpus_dir.glob('*')))} files), {len(rows)} questions"
               f"{' from ' + str(questions) if questions else ' (questionnaire headings)'}")
    if replies:
        run_scale(corpus_files(corpus_dir)[0], replies, rows, settings_from_env(names[0]), echo=click.echo)
        return
    if load:
        from .app import launch
        from .loadcheck import format_load, run_load_check

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        demo = launch(make_assistant(index_dir, corpus, names[0]), host="127.0.0.1", port=port, block=False)
        try:
            click.echo(format_load(run_load_check(demo.local_url, [r.query for r in rows], total=50, concurrency=10)))
        finally:
            demo.close()
        return
    run_speed(corpus_dir, index_dir, rows, names, settings_from_env(names[0]), echo=click.echo)
    if ablations and any(r.gold for r in rows):
        run_ablations(corpus_dir, rows, settings_from_env(names[0]), echo=click.echo)


@cli.command()
@click.option("--host", default=lambda: os.environ.get("ASSISTANT_HOST", "127.0.0.1"), show_default="127.0.0.1",
              help="Interface to listen on (env ASSISTANT_HOST); loopback unless you ask otherwise.")
@click.option("--port", default=lambda: int(os.environ.get("ASSISTANT_PORT", "7860")), show_default="7860",
              type=int, help="Port (env ASSISTANT_PORT).")
@click.option("--auth", default=lambda: os.environ.get("ASSISTANT_AUTH"), show_default="none",
              help="Require a login USER:PASSWORD (env ASSISTANT_AUTH).")
@index_option
@corpus_option
@backend_option
@click.option("--watch", is_flag=True, help="Rebuild the index in the background when files in the corpus change.")
def serve(host: str, port: int, auth: str | None, index_dir: Path, corpus: Path | None, backend: str,
          watch: bool) -> None:
    """Serve the chat page (builds the index first when it is missing or stale)."""
    from .app import serve as serve_app

    if auth and ":" not in auth:
        raise click.UsageError("--auth takes USER:PASSWORD")
    assistant = make_assistant(index_dir, corpus, backend)
    if watch:
        from .watch import index_rebuilder, start_watcher

        corpus_dir = corpus or Path(assistant.searcher.index.manifest.get("corpus") or DEFAULT_CORPUS)
        start_watcher(corpus_dir, index_rebuilder(corpus_dir, index_dir, settings_from_env(backend),
                                                  assistant.searcher.encoder, assistant.lock))
        click.echo(f"Watching {corpus_dir} for new or changed replies", err=True)
    serve_app(assistant, host=host, port=port, auth=tuple(auth.split(":", 1)) if auth else None)


@cli.command()
@click.argument("question_id")
@click.option("--party", "parties", multiple=True, help="Only these Parties (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON result.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "csv"]), default="text", show_default=True)
@index_option
@corpus_option
@backend_option
def compare(question_id: str, parties: tuple[str, ...], as_json: bool, fmt: str, index_dir: Path,
            corpus: Path | None, backend: str) -> None:
    """Every Party's answer to QUESTION_ID (e.g. 9.3), pointers resolved, Parties with no answer listed."""
    from .compare import Comparer, UnknownQuestion, compare_csv, compare_markdown

    index = ensure_index(index_dir, corpus, backend)
    try:
        result = Comparer(index).compare(question_id, list(parties) or None)
    except UnknownQuestion as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(compare_markdown(result))
    elif fmt == "csv":
        click.echo(compare_csv(result), nl=False)
    else:
        click.echo(f"Q{result['question_id']}: {result['question'].splitlines()[0] if result['question'] else ''}\n")
        for row in result["parties"]:
            click.echo(f"== {row['party']} ({row['status']}) {row['citation']}")
            if row["text"]:
                click.echo(row["text"])
            for ref in row["resolved_refs"]:
                click.echo(f"   -> Q{', '.join(ref['question_ids'])}: {ref['text'][:300]}")
            click.echo("")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON matrix.")
@index_option
@corpus_option
@backend_option
def coverage(as_json: bool, index_dir: Path, corpus: Path | None, backend: str) -> None:
    """Parties x questions: answered (+), answered only by pointing elsewhere (>), blank (.)."""
    from .compare import ANSWERED, POINTER, Comparer

    index = ensure_index(index_dir, corpus, backend)
    result = Comparer(index).coverage()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    marks = {ANSWERED: "+", POINTER: ">"}
    width = max(len(p["party"]) for p in result["parties"])
    for row in result["parties"]:
        cells = "".join(marks.get(row["cells"][q], ".") for q in result["questions"])
        click.echo(f"{row['party']:<{width}}  {cells}")
    click.echo(f"columns: {' '.join(result['questions'])}")
    click.echo("+ answered   > answered only by pointing to another answer   . blank")


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="assistant")


if __name__ == "__main__":  # pragma: no cover
    main()
