"""The ONNX back ends must give the PyTorch vectors (fp32) or close to them (int8), and the same token counts."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.encoders.torch_backend import TorchEncoder
from assistant.encoders.onnx_backend import OnnxEncoder

pytestmark = pytest.mark.slow  # loads PyTorch and exports the model to ONNX (twenty seconds on two cores)

LONG = " ".join(
    ["The Committee notes that the State Party has adopted measures to prevent sexual exploitation "
     "and sexual abuse of children, including awareness-raising in schools and training of professionals."] * 12
)
SENTENCES = [
    "",
    "yes",
    "N/A",
    "2019",
    "Lanzarote",
    "Article 12 (1)",
    "hello world",
    "Are there hotlines for reporting sexual abuse of children?",
    "What does Article 23 require regarding the solicitation of children for sexual purposes?",
    "The State Party reports that awareness campaigns were conducted in schools in 2019.",
    "Children placed in institutions are protected by specific legislation prohibiting abuse.",
    "Quelles mesures législatives ont été prises pour protéger les enfants ?",
    "Welche Maßnahmen wurden ergriffen, um Kinder vor sexueller Ausbeutung zu schützen?",
    "Helplines: 116 111 (children), 116 000 (missing children); e-mail: info@example.org",
    "Self-generated sexual images and/or videos (SGSIV) shared via ICT by children aged 12–17.",
    "Is the age of sexual consent set at 16 years in the Criminal Code, Section 176(1)?",
    "Civil society organisations and the ombudsperson for children participate in the monitoring body.",
    "  Leading and trailing   whitespace,\tand a tab.  ",
    LONG,
    LONG + " " + LONG,
]


@pytest.fixture(scope="module")
def torch_enc() -> TorchEncoder:
    return TorchEncoder()


@pytest.fixture(scope="module")
def onnx_encs(tmp_path_factory: pytest.TempPathFactory) -> tuple[OnnxEncoder, OnnxEncoder]:
    """Export once into a throwaway cache, then build the int8 model from that export."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    fp32 = OnnxEncoder(cache_dir=cache)
    int8 = OnnxEncoder(cache_dir=cache, quantized=True)
    assert (cache / "model.onnx").is_file() and (cache / "model-int8.onnx").is_file()
    assert not [p for p in cache.iterdir() if ".tmp" in p.name]
    return fp32, int8


@pytest.fixture(scope="module")
def reference(torch_enc: TorchEncoder) -> np.ndarray:
    return torch_enc.encode(SENTENCES)


def test_long_inputs_exceed_limit(torch_enc: TorchEncoder) -> None:
    assert torch_enc.count_tokens(LONG) > 256


def test_fp32_matches_torch(onnx_encs: tuple[OnnxEncoder, OnnxEncoder], reference: np.ndarray) -> None:
    vecs = onnx_encs[0].encode(SENTENCES, batch_size=4)  # small batches: several widths, order restored
    assert vecs.dtype == np.float32 and vecs.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    cos = (vecs * reference).sum(axis=1)
    assert cos.min() >= 0.999, dict(zip(SENTENCES, cos.round(5)))


def test_int8_close_to_torch(onnx_encs: tuple[OnnxEncoder, OnnxEncoder], reference: np.ndarray) -> None:
    vecs = onnx_encs[1].encode(SENTENCES)
    assert vecs.dtype == np.float32 and vecs.shape == reference.shape
    cos = (vecs * reference).sum(axis=1)
    assert cos.min() >= 0.95, dict(zip(SENTENCES, cos.round(4)))
    assert cos.mean() >= 0.98, cos.mean()


def test_count_tokens_and_empty(onnx_encs: tuple[OnnxEncoder, OnnxEncoder], torch_enc: TorchEncoder) -> None:
    enc = onnx_encs[0]
    assert (enc.name, enc.dim, enc.max_tokens) == ("all-MiniLM-L6-v2", 384, 256)
    assert [enc.count_tokens(s) for s in SENTENCES] == [torch_enc.count_tokens(s) for s in SENTENCES]
    assert enc.encode([]).shape == (0, 384)
