"""The HTTP JSON API beside the page, for scripts and other systems: plain FastAPI routes under /api, answered in
the server's thread pool, not through the page's event queue.

    GET  /api/ask?q=…&k=5&party=…&pillar=…     the `ask` contract (what Assistant.ask returns)
    POST /api/ask  {"q" (or "query", "question"), "k", "party", "pillar", "id"}
    GET  /api/compare/{question_id}?party=…    every Party's answer to one question (party repeatable)
    GET  /api/coverage                         Parties x questions
    GET  /api/health                           the live build: id (its folder name), built_at, Parties, passages
    GET  /api/docs, /api/openapi.json          OpenAPI documentation

A known failure is a 4xx (503 when the index or encoder is unusable) with {"error": "<one sentence>"}; never a
traceback.  With a login (`serve --auth`), every /api path wants either HTTP Basic credentials (`curl -u
user:pass`) or the cookie the page's login sets, so a browser signed in to the page can use the API as well.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, BaseModel, Field, model_validator
from starlette.requests import HTTPConnection
from starlette.routing import Mount

from ..api import Assistant
from ..errors import (
    AssistantError,
    EncoderError,
    IndexCorrupt,
    IndexMissing,
    UnknownParty,
    UnknownPillar,
    UnknownQuestion,
)
from ..ingest.questionnaire import PILLARS

PREFIX = "/api"
WARM_UP = "What is the penalty for possessing child sexual abuse material?"
MAX_K = 100
# a known failure's HTTP status: what the client asked for does not exist (404), is malformed (400), or the server
# cannot answer at all until its index or encoder is repaired (503); other AssistantErrors are the client's (400)
STATUS = ((UnknownParty, 404), (UnknownQuestion, 404), (UnknownPillar, 400), (IndexMissing, 503),
          (IndexCorrupt, 503), (EncoderError, 503))
ASK_EXAMPLE = {
    "id": None, "query": "What is the penalty for possessing child sexual abuse material?", "abstained": False,
    "passages": [{"rank": 1, "score": 3.1, "doc_id": "T-ES(2017)ICT-PT", "party": "Portugal",
                  "question_ids": ["9.3"], "heading": "9.3 …", "pillar": "Prosecution", "language": "en",
                  "text": "…", "citation": "Portugal, T-ES(2017)ICT-PT, Q9.3", "resolved_refs": [],
                  "lines": [812, 820], "page": None, "weak": False}],
    "answer": [{"text": "…", "question_ids": ["9.3"], "citation": "Portugal, T-ES(2017)ICT-PT, Q9.3",
                "party": "Portugal", "rank": 1}],
}
Auth = tuple[str, str] | list[tuple[str, str]] | Callable[[str, str], bool] | None


def status_of(exc: AssistantError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 400)


def where(loc: tuple) -> str:
    """A validation error's place: the parameter's name ('k'), else 'body'."""
    return ".".join(str(part) for part in loc[1:] if isinstance(part, str)) or "body"


def error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class AskBody(BaseModel):
    """A question as JSON: `q` (or `query`, or `question`), and optionally k, party, pillar and an id echoed back."""

    q: str | None = Field(None, validation_alias=AliasChoices("q", "query", "question"),
                          description='The question (or send it as "query" or "question").')
    k: int = Field(5, ge=1, le=MAX_K, description="Passages to return.")
    party: str | None = Field(None, description="Only this Party's reply (any of its names: Germany, Allemagne…).")
    pillar: str | None = Field(None, description=f"Only this pillar: {', '.join(PILLARS)} (or in French).")
    id: str | None = Field(None, description="Your id for the question, echoed in the result's `id`.")

    @model_validator(mode="after")
    def _one_question(self) -> AskBody:
        if self.q is None:
            raise ValueError('give the question as "q" (or "query", or "question")')
        return self


# --------------------------------------------------------------------------- login

class Login:
    """The page's login for the API: HTTP Basic credentials, or the session cookie the page's login form set."""

    def __init__(self, auth: Auth, page: Any = None):
        self.check = auth if callable(auth) else self._table([auth] if isinstance(auth, tuple) else list(auth or []))
        self.page = page  # the gr.Blocks whose server_app holds the page's session tokens

    @staticmethod
    def _table(accounts: list[tuple[str, str]]) -> Callable[[str, str], bool]:
        table = {user: password for user, password in accounts}

        def check(user: str, password: str) -> bool:
            # compare even for an unknown user, so the time taken does not tell which users exist
            expected = table.get(user, secrets.token_urlsafe(16))
            return secrets.compare_digest(password.encode(), expected.encode()) and user in table

        return check

    def allows(self, conn: HTTPConnection) -> bool:
        header = conn.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return False
            return bool(self.check(user, password))
        app = getattr(self.page, "server_app", None)
        if app is None:
            return False
        return any(conn.cookies.get(f"{name}-{app.cookie_id}") in app.tokens
                   for name in ("access-token", "access-token-unsecure"))


class LoginRequired:
    """ASGI middleware: a 401 JSON error (asking for Basic credentials) unless the request is logged in."""

    def __init__(self, app, login: Login):
        self.app, self.login = app, login

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not self.login.allows(HTTPConnection(scope)):
            response = error(401, "login required: send the page's user name and password (HTTP Basic, e.g. "
                                  "`curl -u user:password`) or log in on the page first",
                             {"WWW-Authenticate": 'Basic realm="Lanzarote assistant", charset="UTF-8"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# --------------------------------------------------------------------------- the routes

def create_api(assistant: Assistant, auth: Auth = None, page: Any = None) -> FastAPI:
    """The API as its own FastAPI app (docs at /docs of wherever it is mounted); `page` lends its login cookie."""
    app = FastAPI(title="Lanzarote replies assistant API", version="1",
                  description="Cited answers from Parties' replies to the Lanzarote Committee's questionnaire. "
                              "Errors are `{\"error\": message}` with a 4xx status (503: the index needs "
                              "rebuilding).", docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")
    if auth:
        app.add_middleware(LoginRequired, login=Login(auth, page))

    @app.exception_handler(AssistantError)
    async def known_failure(request: Request, exc: AssistantError) -> JSONResponse:
        return error(status_of(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{where(e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return error(422, problems or "malformed request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback on the server; the client gets one sentence
        return error(500, f"an unexpected {type(exc).__name__}; the details are in the server log")

    failures = {404: {"description": "Unknown Party or question: `{\"error\": message}`"},
                400: {"description": "Unknown pillar or other bad value: `{\"error\": message}`"},
                422: {"description": "Missing or malformed parameter: `{\"error\": message}`"}}
    ask_doc = {200: {"description": "The `ask` contract: passages ranked best first, the quoted answer "
                                    "sentences, `abstained` when the replies do not appear to address it.",
                     "content": {"application/json": {"example": ASK_EXAMPLE}}}, **failures}

    def ask(question: str, k: int, party: str | None, pillar: str | None, qid: str | None = None) -> JSONResponse:
        return JSONResponse(assistant.ask(question, k=k, party=party, pillar=pillar, qid=qid))

    @app.get("/ask", responses=ask_doc, summary="Answer a question with cited passages")
    def ask_get(q: Annotated[str, Query(description="The question.")],
                k: Annotated[int, Query(ge=1, le=MAX_K, description="Passages to return.")] = 5,
                party: Annotated[str | None, Query(description="Only this Party's reply.")] = None,
                pillar: Annotated[str | None, Query(description="Only this pillar.")] = None) -> JSONResponse:
        return ask(q, k, party, pillar)

    @app.post("/ask", responses=ask_doc, summary="Answer a question sent as JSON")
    def ask_post(body: AskBody) -> JSONResponse:
        return ask(body.q, body.k, body.party, body.pillar, body.id)

    @app.get("/compare/{question_id}", responses=failures, summary="Every Party's answer to one question")
    def compare(question_id: str,
                party: Annotated[list[str] | None, Query(description="Only these Parties (repeatable).")] = None,
                language: Annotated[str | None, Query(description="`fr`: the question in the questionnaire's "
                                                                  "French wording (answers stay as written).")] = None
                ) -> JSONResponse:
        return JSONResponse(assistant.compare(question_id, party or None, language))

    @app.get("/coverage", summary="Parties x questions: answered, answered by a pointer, nothing given, blank")
    def coverage() -> JSONResponse:
        return JSONResponse(assistant.coverage())

    @app.get("/health", summary="The live build: id, time built, Parties and passages")
    def health() -> JSONResponse:
        index = assistant.index  # picks up a newer build first, like a question would
        return JSONResponse({"status": "ok", "build": index.path.name, "built_at": index.manifest.get("built_at"),
                             "parties": index.parties, "passages": len(index.passages),
                             "model": index.manifest.get("model"), "backend": index.manifest.get("backend")})

    return app


def warm_up(assistant: Assistant) -> None:
    """Ask one question before the server takes any: the first question loads the language identifier and fills
    the encoders' buffers, and ten first questions at once would each load them (+0.5 GB and 2 s, measured)."""
    try:
        assistant.ask(WARM_UP, k=1)
    except AssistantError:
        pass  # a broken index is reported to the questions themselves


def api_routes(assistant: Assistant, auth: Auth = None, page: Any = None) -> list[Mount]:
    """The API mounted at /api, for a FastAPI app's `routes` (gr.Blocks.launch(app_kwargs={"routes": …})); the
    assistant is warmed up first."""
    warm_up(assistant)
    return [Mount(PREFIX, app=create_api(assistant, auth, page))]
