"""ONNX Runtime back end for the sentence encoder: same vectors as PyTorch, less start-up and latency.

The packaged weights are exported once with torch.onnx.export (optionally quantised to int8)
into a cache directory; later runs only need onnxruntime and tokenizers.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from pathlib import Path

import numpy as np

from ..errors import EncoderError
from .base import DEFAULT_MODEL, MAX_TOKENS, model_path
from .batching import MicroBatcher

log = logging.getLogger("assistant")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# rows per session.run: measured on 2 cores, runs of 8 length-sorted texts embed 10-25% faster than runs of 32
# (less padding, activations that stay in cache) and need a quarter of the memory
RUN_ROWS = 8


def default_cache_dir(name: str = DEFAULT_MODEL) -> Path:
    """$LANZAROTE_CACHE (or ~/.cache/lanzarote-assistant)/onnx/<model-slug>: one export per model."""
    root = os.environ.get("LANZAROTE_CACHE") or Path.home() / ".cache" / "lanzarote-assistant"
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name.strip("/")) or "model"
    return Path(root) / "onnx" / slug


def _tmp_path(final: Path) -> Path:
    """A sibling temp name, so the final os.replace is atomic and concurrent exports don't clash."""
    return final.with_name(f".{final.stem}.{os.getpid()}.tmp{final.suffix}")


def export_onnx(model_dir: str, out: Path) -> Path:
    """Export the transformer (token embeddings only; pooling is done in numpy) to `out`, atomically."""
    import torch
    from transformers import AutoModel

    out.parent.mkdir(parents=True, exist_ok=True)
    log.warning("Exporting the encoder to ONNX once (about 10 s) into %s", out.parent)
    model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()

    class _Tokens(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    dummy = tuple(torch.ones((2, 16), dtype=torch.long) for _ in _INPUTS)
    axes = {k: {0: "batch", 1: "seq"} for k in _INPUTS} | {"last_hidden_state": {0: "batch", 1: "seq"}}
    tmp = _tmp_path(out)
    errors: list[str] = []
    for dynamo in (True, False):  # the default (dynamo) exporter needs onnxscript; fall back to TorchScript
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    _Tokens(), dummy, str(tmp), input_names=list(_INPUTS),
                    output_names=["last_hidden_state"], dynamic_axes=axes,
                    opset_version=17, do_constant_folding=True, dynamo=dynamo,
                )
            os.replace(tmp, out)
            return out
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            log.debug("%s ONNX exporter failed", "dynamo" if dynamo else "legacy", exc_info=True)
            errors.append(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ''}")
            tmp.unlink(missing_ok=True)
    raise EncoderError(f"the one-time ONNX export of the encoder into {out.parent} failed ({errors[-1]}); "
                       f"use the PyTorch back end instead: `--backend torch` or ASSISTANT_BACKEND=torch")


def quantize_onnx(src: Path, out: Path) -> Path:
    """Dynamic int8 (QUInt8) weights: ~4x smaller, faster matmuls on CPU, slightly different vectors.

    Per-channel scales matter: per-tensor gave cosine 0.93 to the fp32 vectors on short texts, per-channel 0.97+.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _tmp_path(out)

    def hint(rec: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in rec.getMessage()

    logging.getLogger().addFilter(hint)  # ort logs this advice to the root logger; it does not help here
    try:
        quantize_dynamic(str(src), str(tmp), weight_type=QuantType.QUInt8, per_channel=True)
        os.replace(tmp, out)
    except Exception as exc:
        raise EncoderError(f"int8 quantisation of {src} failed ({type(exc).__name__}: {exc}); "
                           f"use `--backend onnx` or `--backend torch` instead") from exc
    finally:
        logging.getLogger().removeFilter(hint)
        tmp.unlink(missing_ok=True)
    return out


class OnnxEncoder:
    """all-MiniLM-L6-v2 on onnxruntime: mean pooling + L2 norm, like the sentence-transformers model.

    Thread-safe: InferenceSession.run and the Rust tokenizer's encode take no lock of ours and keep no state
    between calls (tests/test_concurrency.py hammers both from threads).  Single texts, a server's questions,
    go through a micro-batcher: questions arriving while one run is busy are encoded together in the next."""

    batch_queries = True

    def __init__(
        self,
        name: str = DEFAULT_MODEL,
        quantized: bool = False,
        cache_dir: Path | None = None,
        threads: int | None = None,
    ):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        self.quantized = quantized
        self.max_tokens = MAX_TOKENS
        model_dir = model_path(name)
        self.cache_dir = cache = Path(cache_dir) if cache_dir is not None else default_cache_dir(name)
        self.threads = threads or os.cpu_count() or 1
        self._batcher: MicroBatcher | None = None
        fp32 = cache / "model.onnx"
        self.onnx_path = cache / "model-int8.onnx" if quantized else fp32
        try:
            if not self.onnx_path.exists():
                if not fp32.exists():
                    export_onnx(model_dir, fp32)
                if quantized:
                    quantize_onnx(fp32, self.onnx_path)
            # tokenizer.json ships with truncation 128 and fixed padding 128: override both.
            self._counter = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
            self._counter.no_truncation()
            self._counter.no_padding()
            self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
            self.tokenizer.no_padding()
            self.tokenizer.enable_truncation(max_length=self.max_tokens)
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # idle threads must not spin after a run: they would steal the cores the search's BLAS needs
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self.session = ort.InferenceSession(
                str(self.onnx_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except EncoderError:
            raise
        except Exception as exc:
            raise EncoderError(
                f"could not load the ONNX encoder {name!r} from {self.onnx_path} ({type(exc).__name__}: {exc}); "
                f"delete that file to export it again, or use `--backend torch`"
            ) from exc
        self._feeds = [i.name for i in self.session.get_inputs()]
        # the memory arena gives back what a run of long texts took (else a build leaves ~300 MB held for good)
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One text (a question) through the micro-batcher; more in batches of similar length."""
        if len(texts) == 1 and self.batch_queries:
            if self._batcher is None:
                self._batcher = MicroBatcher(self.encode_now)  # a lost race starts one idle thread: harmless
            return self._batcher.encode(texts)
        return self.encode_now(texts, batch_size)

    def encode_now(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Runs of at most RUN_ROWS (and batch_size) texts of similar length (sorted, then restored), so little
        compute goes on padding."""
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        encs = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([-len(e.ids) for e in encs], kind="stable")
        out = np.empty((len(encs), self.dim), dtype="float32")
        batch_size = max(1, min(batch_size, RUN_ROWS))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            arrays = {k: np.zeros((len(idx), width), dtype=np.int64) for k in _INPUTS}
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                arrays["input_ids"][row, :n] = encs[i].ids
                arrays["attention_mask"][row, :n] = encs[i].attention_mask
                arrays["token_type_ids"][row, :n] = encs[i].type_ids
            tokens = self.session.run(None, {k: arrays[k] for k in self._feeds}, self._run_options)[0]
            mask = arrays["attention_mask"][..., None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, with its [CLS] and [SEP], before truncation."""
        return len(self._counter.encode(text, add_special_tokens=True).ids)
