"""The `assistant` command: a thin layer over the Python API (assistant.api).  Every failure the user can act on
is one line on stderr and exit status 1; `build` and `add` exit 3 when the corpus has a file they had to skip
(the rest is indexed and live)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .api import DEFAULT_CORPUS, corpus_of, settings_for
from .cli_options import backend_option, corpus_option, index_option, open_assistant
from .console import progress_bar, quiet_libraries
from .errors import AssistantError, os_error_message
from .ingest.questionnaire import PILLARS, PILLARS_FR

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
    from .memory import limit_malloc_arenas, start_memory_trimmer
    from .web.page import serve as serve_page

    if auth and ":" not in auth:
        raise click.UsageError("--auth takes USER:PASSWORD")
    limit_malloc_arenas()  # before the encoders' and the server's threads start
    start_memory_trimmer()
    assistant = open_assistant(index_dir, corpus, backend, rebuild)
    if watch:
        from .encoders.shared import SharedEncoder
        from .store.watch import index_rebuilder, start_watcher

        corpus_dir = corpus_of(index_dir, corpus)
        start_watcher(corpus_dir, index_rebuilder(corpus_dir, index_dir, settings_for(backend),
                                                  SharedEncoder(assistant.encoder, assistant.lock)))
        click.echo(f"Watching {corpus_dir} for new or changed replies", err=True)
    serve_page(assistant, host=host, port=port, auth=tuple(auth.split(":", 1)) if auth else None)


# the `bench` commands live in their own module, over the same options
from .cli_bench import bench  # noqa: E402

cli.add_command(bench)


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="assistant")


if __name__ == "__main__":  # pragma: no cover
    main()
