"""Questions are answered in parallel without a lock: the tokenizer, the ONNX session, the micro-batcher and the
whole ask path give from many threads exactly what they give from one."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from assistant.encoders.batching import MicroBatcher
from assistant.encoders.shared import SharedEncoder

TEXTS = [
    "What is the penalty for possessing child sexual abuse material?",
    "Which helplines can a child victim call?",
    "Is there a specialised cybercrime unit in the police?",
    "Quelles mesures législatives ont été prises pour protéger les enfants ?",
    "Self-generated sexual images and/or videos (SGSIV) shared via ICT by children aged 12–17.",
    "yes",
    "Article 176-A of the Criminal Code, Law 103/2015 " * 30,  # truncated to the model's limit
] + [f"Question {n}.{n % 7}: how are professionals trained, year {1990 + n}?" for n in range(40)]


def hammer(fn, items, threads: int = 8, rounds: int = 5) -> list:
    """fn over items*rounds from `threads` threads started together; results in item order."""
    work = list(items) * rounds
    start = threading.Barrier(threads)

    def warm(_):
        start.wait()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(warm, range(threads)))
        return list(pool.map(fn, work))


def test_tokenizer_from_threads_matches_one_thread(encoder):
    alone = [encoder.tokenizer.encode(t).ids for t in TEXTS]
    together = hammer(lambda t: encoder.tokenizer.encode(t).ids, TEXTS, rounds=20)
    assert together == alone * 20
    batches = hammer(lambda n: [e.ids for e in encoder.tokenizer.encode_batch(TEXTS[n:] + TEXTS[:n])],
                     range(len(TEXTS)), rounds=2)
    assert all(b == alone[n:] + alone[:n] for n, b in zip(list(range(len(TEXTS))) * 2, batches))


def test_encoder_from_threads_matches_one_thread(encoder):
    alone = np.vstack([encoder.encode_now([t]) for t in TEXTS])
    together = np.vstack(hammer(lambda t: encoder.encode([t]), TEXTS))
    np.testing.assert_allclose(together, np.vstack([alone] * 5), atol=2e-5)
    # whole batches (a build) and single questions at the same time
    mixed = hammer(lambda n: encoder.encode(TEXTS if n % 3 == 0 else [TEXTS[n % len(TEXTS)]]), range(24), rounds=1)
    for n, vectors in enumerate(mixed):
        np.testing.assert_allclose(vectors, alone if n % 3 == 0 else alone[n % len(TEXTS)][None], atol=2e-5)


def test_micro_batcher_encodes_questions_arriving_together_in_one_call():
    sizes: list[int] = []

    def slow_encode(texts, batch_size=32):
        sizes.append(len(texts))
        time.sleep(0.02)  # questions queue up meanwhile
        return np.array([[float(len(t)), 1.0] for t in texts], dtype="float32")

    batcher = MicroBatcher(slow_encode)
    got = hammer(lambda t: batcher.encode([t]), ["a" * n for n in range(1, 17)], threads=8, rounds=2)
    assert [row[0, 0] for row in got] == [float(n) for n in range(1, 17)] * 2  # each its own vector, in order
    assert sum(sizes) == 32 and max(sizes) > 1 and len(sizes) < 32


def test_micro_batcher_passes_an_error_to_every_waiting_question_and_keeps_going():
    calls = []

    def failing_once(texts, batch_size=32):
        calls.append(list(texts))
        if len(calls) == 1:
            time.sleep(0.05)
            raise RuntimeError("session broke")
        return np.ones((len(texts), 2), dtype="float32")

    batcher = MicroBatcher(failing_once)
    with pytest.raises(RuntimeError, match="session broke"):
        batcher.encode(["first"])
    assert batcher.encode(["second"]).shape == (1, 2)


def test_a_build_in_the_server_encodes_without_waiting_for_the_servers_lock(encoder):
    lock = threading.RLock()
    shared = SharedEncoder(encoder, lock, batch=4)
    held, done = threading.Event(), threading.Event()

    def hold():
        with lock:
            held.set()
            done.wait(30)

    threading.Thread(target=hold, daemon=True).start()
    held.wait()
    try:  # the server is swapping builds (holding the lock): the build's encoding goes on regardless
        np.testing.assert_allclose(shared.encode(TEXTS[:10]), encoder.encode(TEXTS[:10]), atol=2e-5)
        assert shared.count_tokens(TEXTS[0]) == encoder.count_tokens(TEXTS[0]) and shared.dim == encoder.dim
    finally:
        done.set()


@pytest.mark.slow
def test_questions_from_many_threads_get_the_answers_they_get_alone(served_assistant):
    questions = TEXTS[:6] + ["What does Portugal do about grooming?", "9.3", "helplines for children in Portugal"]

    def ranked(result: dict) -> list[tuple]:
        return [(p["doc_id"], p["lines"][0], round(p["score"], 2)) for p in result["passages"]]

    alone = [ranked(served_assistant.ask(q)) for q in questions]
    together = hammer(lambda q: ranked(served_assistant.ask(q)), questions, threads=8, rounds=4)
    assert together == alone * 4
