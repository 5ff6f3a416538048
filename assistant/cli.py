"""The `assistant` command: a thin layer over the Python API (assistant.api).  Every failure the user can act on
is one line on stderr and exit status 1; `build` and `add` exit 3 when the corpus has a file they had to skip
(the rest is indexed and live)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .api import DEFAULT_CORPUS, DEFAULT_INDEX, Assistant, corpus_of, settings_for
from .console import progress_bar, quiet_libraries
from .encoders.base import BACKENDS, DEFAULT_BACKEND
from .errors import AssistantError, os_error_message
from .ingest.questionnaire import PILLARS, PILLARS_FR

DEV_QUESTIONS = Path("../shared/eval/dev_questions.jsonl")

index_option = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=DEFAULT_INDEX,
                            show_default=True, help="Index folder.")
corpus_option = click.option("--corpus", type=click.Path(path_type=Path), default=None,
                             help="Folder of reply files [default: corpus/, or the one the index was built from].")
backend_option = click.option("--backend", type=click.Choice(BACKENDS),
                              default=lambda: os.environ.get("ASSISTANT_BACKEND", DEFAULT_BACKEND),
                              show_default=DEFAULT_BACKEND, help="Encoder back end (env ASSISTANT_BACKEND).")
quiet_option = click.option("--quiet", is_flag=True, help="No progress bar.")
rebuild_option = click.option("--rebuild", is_flag=True, help="Rebuild the index first when the corpus changed "
                              "since it was built (else it answers as built, with a warning).")
SKIPPED_STATUS = 3  # `build`/`add`: done, but some corpus files could not be indexed


def format_option(*formats: str):
    """`--format` with the formats a command has, and `--json` as a short alias for `--format json`."""
    def decorate(f):
        f = click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(f)
        return click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                            help="Output format.")(f)
    return decorate


def chosen_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def open_assistant(index_dir: Path, corpus: Path | None, backend: str, rebuild: bool = False) -> Assistant:
    progress, close = progress_bar(quiet=not sys.stderr.isatty())
    try:
        return Assistant.open(index_dir, corpus=corpus, backend=backend, progress=progress, rebuild=rebuild)
    finally:
        close()


def report_skipped(report) -> None:
    """Name each corpus file a build left out ('<file>: <problem>') on stderr, and exit with status 3."""
    if report is not None and report.skipped:
        for line in report.skipped:
            click.echo(f"skipped {line}", err=True)
        raise SystemExit(SKIPPED_STATUS)


class FriendlyGroup(click.Group):
    """Known failures (the AssistantError family, and OSErrors that name a file) become one clear line and exit 1,
    not a traceback; anything else is a bug and keeps its traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            raise click.ClickException(" ".join(str(exc).split())) from exc
        except OSError as exc:
            if not getattr(exc, "filename", None):
                raise
            raise click.ClickException(os_error_message(exc)) from exc


@click.group(cls=FriendlyGroup)
@click.version_option(package_name="lanzarote-assistant")
def cli() -> None:
    """Ask the Lanzarote Convention monitoring replies; get the passages that answer, cited."""
    quiet_libraries()


@cli.command()
@corpus_option
@index_option
@backend_option
@quiet_option
def build(corpus: Path | None, index_dir: Path, backend: str, quiet: bool) -> None:
    """Parse, embed and index every reply in the corpus folder (unchanged files are reused).

    A file that cannot be indexed is skipped: it is named with its problem, one line each, the other files' index
    goes live, and the exit status is 3.  Exit status 1 when no file could be indexed (the index stays as it was)."""
    from .store.build import build_index

    progress, close = progress_bar(quiet)
    try:
        report = build_index(corpus or DEFAULT_CORPUS, index_dir, settings_for(backend), progress=progress)
    finally:
        close()
    click.echo(report.summary())
    report_skipped(report)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--party", default=None, help="The Party, when the reply's title page does not say it right.")
@click.option("--doc-id", default=None, help="The document code, e.g. T-ES(2017)ICT-PT.")
@click.option("--round", "round_", default=None, help="The monitoring round, e.g. 2nd.")
@click.option("--language", default=None, help="The reply's language code (en, fr, pt, es, de, it).")
@corpus_option
@index_option
@backend_option
@quiet_option
def add(file: Path, party: str | None, doc_id: str | None, round_: str | None, language: str | None,
        corpus: Path | None, index_dir: Path, backend: str, quiet: bool) -> None:
    """Check a reply FILE, copy it into the corpus under a safe name and index it (only new files are embedded).

    Exit status 3 when it was added but other corpus files had to be skipped (each named on stderr)."""
    from .ingest.preview import check_reply
    from .store.adding import add_reply

    overrides = {"party": party, "doc_id": doc_id, "round": round_, "language": language}
    preview = check_reply(file, overrides)
    click.echo(preview.summary(), err=True)
    progress, close = progress_bar(quiet)
    try:
        result = add_reply(file, corpus or DEFAULT_CORPUS, index_dir, overrides, preview=preview,
                           settings=settings_for(backend), progress=progress)
    finally:
        close()
    click.echo(result.message())
    if result.report is not None:
        click.echo(result.report.summary())
    report_skipped(result.report)


PILLAR_CHOICE = click.Choice([*PILLARS, *(PILLARS_FR[p] for p in PILLARS if PILLARS_FR[p] != p)],
                             case_sensitive=False)


@cli.command()
@click.argument("question", required=False)
@click.option("--k", default=5, show_default=True, type=click.IntRange(1, 100), help="Passages to return.")
@click.option("--party", default=None, help="Only this Party's reply (any of its names: Germany, Allemagne…).")
@click.option("--pillar", default=None, type=PILLAR_CHOICE, help="Only this pillar.")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help='JSON lines {"id": ..., "query": ...}; one result per line, in order.')
@format_option("text", "json", "markdown")
@index_option
@corpus_option
@backend_option
@rebuild_option
def ask(question: str | None, k: int, party: str | None, pillar: str | None, batch: Path | None, fmt: str,
        as_json: bool, index_dir: Path, corpus: Path | None, backend: str, rebuild: bool) -> None:
    """Answer QUESTION with cited passages from the replies."""
    from .jsonl import read_jsonl
    from .query.render import to_markdown, to_text

    if not question and not batch:
        raise click.UsageError("give a QUESTION or --batch FILE")
    requests = read_jsonl(batch) if batch else [{"id": None, "query": question}]
    assistant = open_assistant(index_dir, corpus, backend, rebuild)
    fmt = chosen_format(fmt, as_json)
    for req in requests:
        result = assistant.ask(req["query"], k=k, party=party, pillar=pillar, qid=req.get("id"))
        if fmt == "json":
            click.echo(json.dumps(result, ensure_ascii=False))
        elif fmt == "markdown":
            click.echo(to_markdown(result) + "\n")
        else:
            click.echo(to_text(result) + "\n")


@cli.command("eval")
@click.option("--questions", "question_files", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, multiple=True, help="JSON lines {id, query, gold, kind}; repeat to report sets side by side.")
@click.option("--misses", is_flag=True, help="Also list the questions whose first passage misses.")
@index_option
@corpus_option
@backend_option
def evaluate(question_files: tuple[Path, ...], misses: bool, index_dir: Path, corpus: Path | None,
             backend: str) -> None:
    """Recall@1, Recall@5, MRR@10 (overall and per kind) and abstention on one or more question sets."""
    from .tools.evaluation import evaluate as run_eval
    from .tools.evaluation import format_report, load_rows

    sets = [(path, load_rows(path)) for path in question_files]
    assistant = open_assistant(index_dir, corpus, backend)
    for n, (path, rows) in enumerate(sets):
        report = run_eval(lambda q, k, row: assistant.ask(q, k=k, party=row.party), rows)
        if len(sets) > 1:
            click.echo(("\n" if n else "") + f"== {path.name}")
        if misses:
            for r in report.misses(1):
                click.echo(f"miss {r.row.id}: {r.row.query} gold={r.row.gold} first hit at {r.first_hit} "
                           f"top={r.ranked_ids[:3]}")
        click.echo(format_report(report))


@cli.command()
@click.argument("question_id")
@click.option("--party", "parties", multiple=True, help="Only these Parties (repeatable; any of their names).")
@click.option("--language", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="The questionnaire's wording of the question (answers stay in their own language).")
@format_option("text", "json", "markdown", "csv")
@index_option
@corpus_option
@backend_option
@rebuild_option
def compare(question_id: str, parties: tuple[str, ...], language: str, fmt: str, as_json: bool, index_dir: Path,
            corpus: Path | None, backend: str, rebuild: bool) -> None:
    """Every Party's answer to QUESTION_ID (e.g. 9.3), pointers resolved, Parties with no answer listed."""
    from .query.render import compare_csv, compare_markdown, compare_text

    result = open_assistant(index_dir, corpus, backend, rebuild).compare(question_id, list(parties) or None, language)
    show = {"json": lambda r: json.dumps(r, ensure_ascii=False), "markdown": compare_markdown,
            "csv": compare_csv, "text": compare_text}[chosen_format(fmt, as_json)]
    click.echo(show(result), nl=fmt != "csv")


@cli.command()
@format_option("text", "json", "markdown", "csv")
@index_option
@corpus_option
@backend_option
@rebuild_option
def coverage(fmt: str, as_json: bool, index_dir: Path, corpus: Path | None, backend: str, rebuild: bool) -> None:
    """Parties x questions: answered (+), answered only by pointing elsewhere (>), blank (.)."""
    from .query.render import coverage_csv, coverage_markdown, coverage_text

    result = open_assistant(index_dir, corpus, backend, rebuild).coverage()
    show = {"json": lambda r: json.dumps(r, ensure_ascii=False), "markdown": coverage_markdown,
            "csv": coverage_csv, "text": coverage_text}[chosen_format(fmt, as_json)]
    click.echo(show(result), nl=fmt != "csv")


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
@rebuild_option
def serve(host: str, port: int, auth: str | None, index_dir: Path, corpus: Path | None, backend: str,
          watch: bool, rebuild: bool) -> None:
    """Serve the chat page (builds the index first when it is missing or damaged; when stale, with --rebuild)."""
    from .web.page import serve as serve_page

    if auth and ":" not in auth:
        raise click.UsageError("--auth takes USER:PASSWORD")
    assistant = open_assistant(index_dir, corpus, backend, rebuild)
    if watch:
        from .encoders.shared import SharedEncoder
        from .store.watch import index_rebuilder, start_watcher

        corpus_dir = corpus_of(index_dir, corpus)
        start_watcher(corpus_dir, index_rebuilder(corpus_dir, index_dir, settings_for(backend),
                                                  SharedEncoder(assistant.encoder, assistant.lock)))
        click.echo(f"Watching {corpus_dir} for new or changed replies", err=True)
    serve_page(assistant, host=host, port=port, auth=tuple(auth.split(":", 1)) if auth else None)


# --------------------------------------------------------------------------- bench

questions_option = click.option(
    "--questions", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
    help=f"Question set for latency and eval [default: {DEV_QUESTIONS} if present, else the questionnaire].")


def bench_rows(questions: Path | None, index_dir: Path, corpus: Path | None, backend: str):
    from .tools.bench import fallback_rows
    from .tools.evaluation import load_rows

    questions = questions or (DEV_QUESTIONS if DEV_QUESTIONS.exists() else None)
    if questions:
        return load_rows(questions), str(questions)
    return fallback_rows(open_assistant(index_dir, corpus, backend).index), "the questionnaire's headings"


def bench_corpus(index_dir: Path, corpus: Path | None) -> tuple[Path, list[Path]]:
    """The corpus a benchmark runs on and its reply files; one line when it has none."""
    from .store.corpus import corpus_files

    corpus_dir = corpus_of(index_dir, corpus)
    files = corpus_files(corpus_dir)
    if not files:
        raise click.ClickException(f"no reply files in {corpus_dir}; put replies there or name another with --corpus")
    return corpus_dir, files


@cli.group()
def bench() -> None:
    """Print figures: `speed` (build, latency against the encoder floor, memory, back ends, ablations),
    `scale` (a synthetic round of replies), `load` (concurrent clients against the page)."""


@bench.command("speed")
@questions_option
@click.option("--backends", default=",".join(BACKENDS), show_default=True,
              help="Encoder back ends to compare, comma-separated.")
@click.option("--ablations/--no-ablations", default=True, show_default=True,
              help="Also print what each retrieval method adds.")
@click.option("--set", "sets", multiple=True, metavar="CORPUS:QUESTIONS",
              help="More question sets for the ablation table, each over its own corpus folder (repeatable), "
                   "e.g. a folder with a French reply and questions about it.")
@index_option
@corpus_option
def bench_speed(questions: Path | None, backends: str, ablations: bool, sets: tuple[str, ...], index_dir: Path,
                corpus: Path | None) -> None:
    """Build speed, query latency against the encoder floor, peak memory, back ends side by side, ablations."""
    from .tools.bench import run_ablations, run_speed

    names = [b.strip() for b in backends.split(",") if b.strip()]
    unknown = [b for b in names if b not in BACKENDS]
    if unknown or not names:
        raise click.UsageError(f"unknown back end(s): {', '.join(unknown) or '(none)'}; use {', '.join(BACKENDS)}")
    corpus_dir, files = bench_corpus(index_dir, corpus)
    rows, source = bench_rows(questions, index_dir, corpus, names[0])
    click.echo(f"corpus {corpus_dir} ({len(files)} replies), {len(rows)} questions from {source}")
    run_speed(corpus_dir, rows, names, settings_for(names[0]), echo=click.echo)
    if ablations:
        from .tools.evaluation import load_rows

        table = [(source.split("/")[-1], corpus_dir, rows)] if any(r.gold for r in rows) else []
        for spec in sets:
            folder, _, path = spec.partition(":")
            if not path or not Path(folder).is_dir():
                raise click.UsageError(f"--set takes CORPUS_FOLDER:QUESTIONS.jsonl, not {spec!r}")
            table.append((Path(path).stem, Path(folder), load_rows(Path(path))))
        if table:
            run_ablations(table, settings_for(names[0]), echo=click.echo)


@bench.command("scale")
@click.option("--replies", type=click.IntRange(2, 500), default=45, show_default=True,
              help="Replies in the synthetic round, derived from the first corpus file.")
@questions_option
@index_option
@corpus_option
@backend_option
def bench_scale(replies: int, questions: Path | None, index_dir: Path, corpus: Path | None, backend: str) -> None:
    """Build, incremental add, latency and comparison on a synthetic round of N replies."""
    from .tools.scale import run_scale

    corpus_dir, files = bench_corpus(index_dir, corpus)
    rows, source = bench_rows(questions, index_dir, corpus, backend)
    click.echo(f"synthetic round of {replies} replies from {files[0].name}, {len(rows)} questions from {source}")
    run_scale(files[0], replies, rows, settings_for(backend), echo=click.echo)


@bench.command("load")
@click.option("--total", type=click.IntRange(1, 100000), default=400, show_default=True,
              help="Questions per HTTP API run.")
@click.option("--page-total", type=click.IntRange(1, 100000), default=200, show_default=True,
              help="Questions per page API run.")
@click.option("--clients", default="1,10,50", show_default=True, help="Concurrent clients per run, comma-separated.")
@click.option("--add/--no-add", default=True, show_default=True,
              help="Also measure 10 clients while the server indexes a new (synthetic) reply.")
@questions_option
@index_option
@corpus_option
@backend_option
def bench_load(total: int, page_total: int, clients: str, add: bool, questions: Path | None, index_dir: Path,
               corpus: Path | None, backend: str) -> None:
    """On a copy of the index: the in-process floor, then a `serve --watch` process under 1, 10 and 50 concurrent
    clients on the HTTP API and on the page's API, then 10 clients while it indexes a new reply; peak RSS."""
    from .tools.loadcheck import run_load_bench

    try:
        counts = tuple(int(c) for c in clients.split(",") if c.strip())
    except ValueError:
        counts = ()
    if not counts or min(counts) < 1:
        raise click.UsageError(f"--clients takes numbers of clients, comma-separated, e.g. 1,10,50; not {clients!r}")
    rows, source = bench_rows(questions, index_dir, corpus, backend)
    corpus_dir, _ = bench_corpus(index_dir, corpus)
    open_assistant(index_dir, corpus, backend)  # builds the index first when it is missing or damaged
    click.echo(f"index {index_dir}, corpus {corpus_dir}, {len(rows)} questions from {source}")
    run_load_bench(index_dir, corpus_dir, [r.query for r in rows], echo=click.echo, backend=backend, total=total,
                   page_total=page_total, clients=counts, add=add)


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="assistant")


if __name__ == "__main__":  # pragma: no cover
    main()
