"""`assistant bench …`: commands that print figures (speed, scale, ingestion, load), over assistant.tools."""

from __future__ import annotations

from pathlib import Path

import click

from .api import corpus_of, settings_for
from .cli_options import DEV_QUESTIONS, backend_option, corpus_option, index_option, open_assistant
from .encoders.base import BACKENDS

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


def bench_seed(questions: Path | None, index_dir: Path, corpus: Path | None, backend: str):
    """(the first reply file, the question rows, where they came from): what `scale` and `ingest` start from."""
    _, files = bench_corpus(index_dir, corpus)
    rows, source = bench_rows(questions, index_dir, corpus, backend)
    return files[0], rows, source


@click.group()
def bench() -> None:
    """Print figures: `speed` (build, latency against the encoder floor, memory, back ends, ablations),
    `scale` (a synthetic round of replies), `ingest` (a ~2 MB reply against the seed: linear?), `load`
    (concurrent clients against the page and the HTTP API)."""


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

    seed, rows, source = bench_seed(questions, index_dir, corpus, backend)
    click.echo(f"synthetic round of {replies} replies from {seed.name}, {len(rows)} questions from {source}")
    run_scale(seed, replies, rows, settings_for(backend), echo=click.echo)


@bench.command("ingest")
@click.option("--size-mb", type=click.FloatRange(0.1, 50), default=2.0, show_default=True,
              help="Size of the enlarged reply made from the first corpus file.")
@questions_option
@index_option
@corpus_option
@backend_option
def bench_ingest(size_mb: float, questions: Path | None, index_dir: Path, corpus: Path | None, backend: str) -> None:
    """Indexing time of one reply against a ~2 MB reply made from it (linear?), where a build's time goes, and
    per-sentence vectors at build time against sentences scored at query time."""
    from .tools.ingestion import run_ingest

    seed, rows, source = bench_seed(questions, index_dir, corpus, backend)
    click.echo(f"seed {seed.name}, {len(rows)} questions from {source}")
    run_ingest(seed, rows, settings_for(backend), target_mb=size_mb, echo=click.echo)


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
