"""What the command line prints: the plain text of `ask` and `compare`, every `--format`, and the one-line
errors for a bad Party, pillar, metadata.json or question file; every command is in the README."""

from __future__ import annotations

import csv
import io
import json
import re

import click
import pytest
from click.testing import CliRunner

from assistant.cli import cli

from conftest import PORTUGAL, ROOT, copy_built
from replies import MINI, write_txt

NAMED = "What are the penalties in Portugal's answer to question 9.3?"
QUESTION_93 = "What are the legal consequences of the above behaviours (9.1.a-c)?"
CITATION_93 = "Portugal, reply to the 2nd round questionnaire, Q9.3"


@pytest.fixture(scope="module")
def mini(tmp_path_factory, mini_built):
    return copy_built(mini_built, tmp_path_factory.mktemp("cli-out") / "kb")


def run(base, *args, code: int = 0):
    result = CliRunner().invoke(cli, [*args, "--index", str(base / "index"), "--corpus", str(base / "corpus")])
    assert result.exit_code == code, result.output
    return result


def error_line(result) -> str:
    """A failure the user can act on: exactly one line on stderr, no traceback."""
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# --------------------------------------------------------------------------- plain text

@pytest.mark.slow
def test_ask_prints_quotes_then_numbered_sources(mini):
    contract = json.loads(run(mini, "ask", NAMED, "--k", "3", "--json").stdout)
    text = run(mini, "ask", NAMED, "--k", "3").stdout
    # one block per quoted answer: a quote of several paragraphs goes on over lines indented by three spaces
    quotes = "\n".join(f"  “{s['text']}” [{s['rank']}] (Portugal · Q{', '.join(s['question_ids'])})"
                       for s in contract["answer"]).replace("\n\n", "\n   ").split("\n")
    sources = [f"[{p['rank']}] {p['citation']} — {p['heading']}" for p in contract["passages"]]
    message = [contract["message"], ""] if contract.get("message") else []
    assert text.split("\n") == [f"Q: {NAMED}", "", *message, *quotes, "", *sources, "", ""]
    assert quotes and any(q.endswith("[1] (Portugal · Q9.3)") for q in quotes)
    assert sources[0] == (f"[1] {CITATION_93} — Question 9. Criminalisation — 9.3 {QUESTION_93}")
    assert [s.split("]")[0] for s in sources] == ["[1", "[2", "[3"]


@pytest.mark.slow
def test_ask_out_of_scope_says_so_and_marks_weak_matches(mini):
    out = run(mini, "ask", "What is the boiling point of water at sea level?", "--k", "2").stdout.split("\n")
    assert out[:4] == ["Q: What is the boiling point of water at sea level?", "",
                       "The replies do not appear to address this question. The nearest passages are listed as "
                       "weak matches.", ""]
    assert not any(line.startswith("  “") for line in out)  # nothing quoted as an answer
    sources = [line for line in out if line.startswith("[")]
    assert len(sources) == 2 and all(line.endswith(" (weak match)") for line in sources)


@pytest.mark.slow
def test_compare_prints_each_party_with_its_citation_and_answer(mini):
    contract = json.loads(run(mini, "compare", "9.3", "--json").stdout)
    out = run(mini, "compare", "Q9.3").stdout.split("\n")
    assert out[:3] == [f"Q9.3: {QUESTION_93}", "", f"== Portugal (answered) {CITATION_93}"]
    [row] = contract["parties"]
    assert "\n".join(out[3:]).strip() == row["text"]
    assert "one month to 2 years of prison" in out[3]


# --------------------------------------------------------------------------- --format

def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.slow
def test_ask_formats(mini):
    as_json = run(mini, "ask", NAMED, "--format", "json").stdout
    assert run(mini, "ask", NAMED, "--json").stdout == as_json
    assert json.loads(as_json)["passages"][0]["question_ids"] == ["9.3"]
    markdown = run(mini, "ask", NAMED, "--format", "markdown").stdout
    assert markdown.startswith(f"**Question:** {NAMED}\n")
    assert f"\\[1\\] {CITATION_93} — Question 9. Criminalisation — 9.3 What are the legal consequences of " \
           f"the above behaviours \\(9.1.a\\-c\\)?  " in markdown.splitlines()
    refused = run(mini, "ask", NAMED, "--format", "csv", code=2)
    assert "Invalid value for '--format'" in refused.output and "'markdown'" in refused.output


@pytest.mark.slow
def test_compare_formats(mini):
    as_json = run(mini, "compare", "9.3", "--format", "json").stdout
    assert run(mini, "compare", "9.3", "--json").stdout == as_json
    assert json.loads(as_json)["question_id"] == "9.3"
    markdown = run(mini, "compare", "9.3", "--format", "markdown").stdout.splitlines()
    assert markdown[0] == "### Q9.3 — What are the legal consequences of the above behaviours \\(9.1.a\\-c\\)?"
    assert markdown[2:4] == ["| Party | Answer | Citation |", "|---|---|---|"]
    assert markdown[4].startswith("| Portugal | For the mere possession") and markdown[4].endswith(f"| {CITATION_93} |")
    header, *rows = csv_rows(run(mini, "compare", "9.3", "--format", "csv").stdout)
    assert header == ["question_id", "party", "doc_id", "status", "question_ids", "answer", "citation"]
    assert [r[:5] for r in rows] == [["9.3", "Portugal", "T-ES(2017)ICT-PT", "answered", "9.3"]]
    assert "one month to 2 years" in rows[0][5] and rows[0][6] == CITATION_93


@pytest.mark.slow
def test_coverage_formats(mini):
    contract = json.loads(run(mini, "coverage", "--format", "json").stdout)
    assert run(mini, "coverage", "--json").stdout == run(mini, "coverage", "--format", "json").stdout
    columns, [row] = contract["questions"], contract["parties"]
    assert "9.3" in columns and row["cells"]["9.3"] == "answered"
    marks = {"answered": "+", "pointer": ">", "nothing": "-", "blank": "."}
    text = run(mini, "coverage").stdout.splitlines()
    assert text == [f"Portugal  {''.join(marks[row['cells'][q]] for q in columns)}",
                    f"columns: {' '.join(columns)}",
                    "+ answered   > answered only by pointing to another answer   "
                    "- nothing given (no reply, no information, not applicable)   . blank"]
    header, *rows = csv_rows(run(mini, "coverage", "--format", "csv").stdout)
    assert header == ["party", "doc_id", *columns]
    assert rows == [["Portugal", "T-ES(2017)ICT-PT", *(row["cells"][q] for q in columns)]]
    markdown = run(mini, "coverage", "--format", "markdown").stdout.splitlines()
    assert markdown[0] == "| Party | " + " | ".join(columns) + " |"
    assert markdown[2].startswith("| Portugal | ") and markdown[2].count("✓") == list(row["cells"].values()).count(
        "answered")


# --------------------------------------------------------------------------- Party and pillar

def test_an_unknown_pillar_is_a_usage_error_naming_the_choices(tmp_path):
    result = CliRunner().invoke(cli, ["ask", "penalties", "--pillar", "Legal", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "Invalid value for '--pillar': 'Legal' is not one of" in result.output
    for choice in ("prevention", "protection", "legislation", "prosecution", "législation"):
        assert f"'{choice}'" in result.output
    assert not (tmp_path / "none").exists()  # refused before any index is opened or built


@pytest.mark.slow
def test_a_pillar_in_french_is_accepted(mini):
    out = json.loads(run(mini, "ask", "penalties for possession", "--pillar", "législation", "--json").stdout)
    assert out["passages"] and {p["pillar"] for p in out["passages"]} == {"Legislation"}
    prevention = json.loads(run(mini, "ask", "penalties", "--pillar", "PREVENTION", "--json").stdout)
    assert prevention["passages"] == []  # the mini reply has no Prevention part: nothing, not everything


@pytest.mark.slow
def test_an_unknown_party_is_the_same_one_line_error_for_ask_and_compare(mini):
    asked = error_line(run(mini, "ask", "penalties", "--party", "Atlantis", code=1))
    compared = error_line(run(mini, "compare", "9.3", "--party", "Atlantis", code=1))
    assert asked == compared == "Error: no reply from Party 'Atlantis' in the index; Parties indexed: Portugal"
    germany = error_line(run(mini, "compare", "9.3", "--party", "Allemagne", code=1))
    assert germany == "Error: no reply from Party 'Allemagne' in the index; Parties indexed: Portugal"
    french = json.loads(run(mini, "compare", "9.3", "--party", "le Portugal", "--json").stdout)
    assert [p["party"] for p in french["parties"]] == ["Portugal"]


# --------------------------------------------------------------------------- bad input files

@pytest.mark.parametrize(("content", "problem"), [
    ('{"T-ES(2017)ICT-PT_Portugal.txt": {"party": "Portugal",}', "not valid UTF-8 JSON"),
    ('["T-ES(2017)ICT-PT_Portugal.txt"]', "expected an object mapping file names to metadata"),
    ('{"T-ES(2017)ICT-PT_Portugal.txt": "Portugal"}', "expected an object mapping file names to metadata"),
])
def test_a_malformed_metadata_json_is_one_line_naming_the_file(tmp_path, content, problem):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_txt(corpus / PORTUGAL.name, MINI)
    (corpus / "metadata.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                                      "--quiet"])
    assert result.exit_code == 1
    line = error_line(result)
    assert f"{corpus / 'metadata.json'}: {problem}" in line and line.endswith("fix it or delete it")
    assert not (tmp_path / "index" / "current").exists()


@pytest.mark.parametrize(("bad_line", "problem"), [
    ("not json", "Expecting value"),
    ('["a list"]', "expected a JSON object"),
    ('{"id": "q2"}', 'expected a "query" string'),
    ('{"id": "q2", "query": 42}', 'expected a "query" string'),
])
def test_a_malformed_batch_line_names_the_file_and_line(tmp_path, bad_line, problem):
    batch = tmp_path / "questions.jsonl"
    batch.write_text(f'{{"id": "q1", "query": "penalties"}}\n\n{bad_line}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["ask", "--batch", str(batch), "--json", "--index", str(tmp_path / "index"),
                                      "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 1 and result.stdout == ""  # nothing answered before the file is known good
    line = error_line(result)
    assert line.startswith("Error: questions.jsonl line 3: ") and problem in line
    assert line.endswith('each line must be an object such as {"id": "q1", "query": "…"}')


# --------------------------------------------------------------------------- the README

def command_names(group: click.Group, prefix: str = "assistant") -> list[str]:
    """'assistant ask', 'assistant bench speed', …: every command a user can type, subcommands included."""
    names = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += command_names(command, f"{prefix} {name}")
    return names


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = command_names(cli)
    assert {"assistant ask", "assistant compare", "assistant coverage", "assistant bench speed",
            "assistant bench scale", "assistant bench load"} <= set(names)
    missing = [name for name in names if not re.search(rf"{re.escape(name)}(?![\w-])", readme)]
    assert not missing, f"README.md does not mention: {', '.join(missing)}"
