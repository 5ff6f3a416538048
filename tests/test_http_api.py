"""The HTTP JSON API beside the page: the documented contracts over plain HTTP, errors as JSON 4xx, the page's
login, OpenAPI docs; the page's own /ask endpoint keeps working next to it."""

from __future__ import annotations

import json

import httpx
import pytest
from conftest import free_port

from assistant.web import page

pytestmark = pytest.mark.slow

QUESTION = "What is the penalty for possessing child sexual abuse material?"
LOGIN = ("reader", "s3cret")


def plain(result: dict) -> dict:
    """What a dict looks like after a trip through JSON (tuples become lists)."""
    return json.loads(json.dumps(result))


@pytest.fixture(scope="module")
def server(served_assistant):
    demo = page.launch(served_assistant, host="127.0.0.1", port=free_port(), block=False)
    yield demo.local_url.rstrip("/")
    demo.close()


@pytest.fixture(scope="module")
def guarded(served_assistant):
    demo = page.launch(served_assistant, host="127.0.0.1", port=free_port(), auth=LOGIN, block=False)
    yield demo.local_url.rstrip("/")
    demo.close()


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=60) as client:
        yield client


def test_health_names_the_live_build(server, http, served_assistant):
    health = http.get(f"{server}/api/health").json()
    index = served_assistant.index
    assert health["build"] == index.path.name == (served_assistant.index_dir / "current").resolve().name
    assert health["parties"] == ["Portugal"] and health["passages"] == len(index.passages) > 50
    assert health["built_at"] == index.manifest["built_at"] and health["status"] == "ok"


def test_ask_by_get_and_post_returns_the_ask_contract(server, http, served_assistant):
    expected = plain(served_assistant.ask(QUESTION, k=3))
    got = http.get(f"{server}/api/ask", params={"q": QUESTION, "k": 3})
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/json")
    assert got.json() == expected
    assert [p["question_ids"] for p in got.json()["passages"]][0] == ["9.3"]

    posted = http.post(f"{server}/api/ask", json={"query": QUESTION, "k": 3, "id": "q-17"}).json()
    assert posted == dict(expected, id="q-17")
    assert http.post(f"{server}/api/ask", json={"q": QUESTION, "k": 3}).json() == expected
    assert http.post(f"{server}/api/ask", json={"question": QUESTION, "k": 3}).json() == expected


def test_ask_filters_by_party_and_pillar(server, http, served_assistant):
    got = http.get(f"{server}/api/ask", params={"q": QUESTION, "party": "Portugal", "pillar": "Prosecution"}).json()
    assert got == plain(served_assistant.ask(QUESTION, party="Portugal", pillar="Prosecution"))
    assert got["passages"] and {p["pillar"] for p in got["passages"]} == {"Prosecution"}


def test_compare_and_coverage_return_their_contracts(server, http, served_assistant):
    compared = http.get(f"{server}/api/compare/9.3", params={"party": "Portugal"})
    assert compared.status_code == 200 and compared.json() == plain(served_assistant.compare("9.3", ["Portugal"]))
    assert compared.json()["parties"][0]["party"] == "Portugal"
    french = http.get(f"{server}/api/compare/9.3", params={"language": "fr"}).json()
    assert french == plain(served_assistant.compare("9.3", None, "fr")) and "Quelles" in french["question"]
    coverage = http.get(f"{server}/api/coverage").json()
    assert coverage == plain(served_assistant.coverage()) and "9.3" in coverage["questions"]


@pytest.mark.parametrize("path, params, status, words", [
    ("/api/ask", {"q": QUESTION, "party": "Atlantis"}, 404, "no reply from Party 'Atlantis'"),
    ("/api/ask", {"q": QUESTION, "pillar": "Gardening"}, 400, "'Gardening' is not a pillar"),
    ("/api/ask", {"k": 3}, 422, "q: Field required"),
    ("/api/ask", {"q": QUESTION, "k": 0}, 422, "k: "),
    ("/api/compare/99.9", {}, 404, "99.9"),
    ("/api/compare/9.3", {"party": "Atlantis"}, 404, "Atlantis"),
])
def test_errors_are_one_json_sentence_with_a_4xx_status(server, http, path, params, status, words):
    got = http.get(f"{server}{path}", params=params)
    assert got.status_code == status
    assert list(got.json()) == ["error"] and words in got.json()["error"]
    assert "Traceback" not in got.text


def test_a_post_without_a_question_is_a_json_422(server, http):
    got = http.post(f"{server}/api/ask", json={"k": 2})
    assert got.status_code == 422 and '"q"' in got.json()["error"]
    broken = http.post(f"{server}/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and "error" in broken.json()


def test_openapi_docs_list_every_route(server, http):
    docs = http.get(f"{server}/api/docs")
    assert docs.status_code == 200 and "/api/openapi.json" in docs.text
    paths = http.get(f"{server}/api/openapi.json").json()["paths"]
    assert {"/ask", "/compare/{question_id}", "/coverage", "/health"} <= set(paths)
    assert {"get", "post"} <= set(paths["/ask"])


def test_the_pages_own_api_keeps_working(server, served_assistant):
    from gradio_client import Client

    got = Client(server, verbose=False).predict(QUESTION, 3, "All Parties", api_name="/ask")
    assert got["passages"][0]["question_ids"] == ["9.3"]


def test_with_a_login_the_api_wants_the_pages_credentials(guarded, http):
    refused = http.get(f"{guarded}/api/health")
    assert refused.status_code == 401 and "login required" in refused.json()["error"]
    assert refused.headers["www-authenticate"].startswith("Basic")
    assert http.get(f"{guarded}/api/docs").status_code == 401
    assert http.get(f"{guarded}/api/health", auth=("reader", "wrong")).status_code == 401
    assert http.get(f"{guarded}/api/health", auth=("nobody", "s3cret")).status_code == 401
    assert http.get(f"{guarded}/api/health", headers={"Authorization": "Basic !!!"}).status_code == 401

    assert http.get(f"{guarded}/api/ask", params={"q": QUESTION}, auth=LOGIN).json()["passages"]  # curl -u
    with httpx.Client(timeout=60) as browser:  # the page's login form sets a cookie the API accepts
        assert browser.post(f"{guarded}/login", data=dict(zip(("username", "password"), LOGIN))).status_code == 200
        assert browser.get(f"{guarded}/api/health").json()["parties"] == ["Portugal"]
        assert browser.get(f"{guarded}/api/docs").status_code == 200
