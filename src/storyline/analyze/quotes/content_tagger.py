"""Content extents of attributions from a token tagger (MiniLM-L6, int8 ONNX, no PyTorch).

The learned attribution model (:mod:`storyline.analyze.quotes.attribution`) picks each content
among extents read off the dependency parse, and many gold contents are none of them
(trailing modifiers, conjuncts, contents over several sentences). This tagger reads a
window of text around a cue, with the cue between two marker tokens, and labels each
wordpiece B/I/O for CONTENT, so that a content can end where the parse has no boundary.

The window is the sentence before the cue's, the cue's and what follows, cut to
``MAX_PIECES`` wordpieces. Training (:mod:`storyline.evaluation.train_content_tagger`)
and inference build windows with the same :func:`cue_window`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MODEL_PATH = Path(__file__).resolve().parents[2] / "resources" / "attribution" / "content_tagger.onnx"

MAX_PIECES = 128  # wordpieces per window, [CLS]/[SEP] and cue markers included
MAX_BEFORE = 40  # wordpieces of context before the cue at most
CLS, SEP, CUE_OPEN, CUE_CLOSE = 101, 102, 1, 2  # [CLS], [SEP], [unused0], [unused1] of the MiniLM vocabulary
LABELS = ("O", "B", "I")
_TRIM = " \t\n,.;:—–-()"


@dataclass
class Encoded:
    """An article's wordpieces: ids and character offsets, without special tokens."""

    ids: list[int]
    offsets: list[tuple[int, int]]


@dataclass
class Window:
    """One tagger input: ids, and for each position the article wordpiece it holds (-1: special/marker)."""

    ids: list[int]
    pieces: list[int]


@lru_cache(maxsize=1)
def tokenizer():
    """The MiniLM WordPiece tokenizer shipped with the package, without truncation or padding."""
    from storyline.embed import minilm_tokenizer

    tok = minilm_tokenizer()
    tok.no_truncation()
    tok.no_padding()
    return tok


def encode(text: str) -> Encoded:
    """Wordpieces of a whole article (one pass, so that each window is a slice)."""
    enc = tokenizer().encode(text, add_special_tokens=False)
    return Encoded(list(enc.ids), [tuple(o) for o in enc.offsets])


def _first_piece_at(enc: Encoded, char: int) -> int:
    """Index of the first wordpiece that ends after ``char``."""
    return next((i for i, (_s, e) in enumerate(enc.offsets) if e > char), len(enc.ids))


def context_start(cue: "Token") -> int:
    """Character where a cue's window starts: the start of the sentence before the cue's."""
    sent = cue.sent
    if sent.start > 0:
        sent = cue.doc[sent.start - 1].sent
    return sent.start_char


def cue_window(enc: Encoded, cue: tuple[int, int], context_start: int) -> Window | None:
    """The window around a cue at characters ``cue``: from ``context_start`` (the start of the
    sentence before the cue's; at most ``MAX_BEFORE`` pieces back) onwards, the cue's wordpieces
    between ``[unused0]`` and ``[unused1]``; ``None`` when the cue has no wordpiece."""
    c0 = _first_piece_at(enc, cue[0])
    c1 = c0
    while c1 < len(enc.ids) and enc.offsets[c1][0] < cue[1]:
        c1 += 1
    if c1 == c0:
        return None
    lo = max(min(_first_piece_at(enc, context_start), c0), c0 - MAX_BEFORE)
    hi = min(len(enc.ids), lo + MAX_PIECES - 4)
    if hi < c1:
        return None
    pieces = [-1] + list(range(lo, c0)) + [-1] + list(range(c0, c1)) + [-1] + list(range(c1, hi)) + [-1]
    ids = [CLS] + enc.ids[lo:c0] + [CUE_OPEN] + enc.ids[c0:c1] + [CUE_CLOSE] + enc.ids[c1:hi] + [SEP]
    return Window(ids, pieces)


def decode(enc: Encoded, window: Window, labels: list[int], text: str) -> list[tuple[int, int]]:
    """Character extents of the content runs a label sequence marks (B starts a run, I continues
    one, a marker or O ends it); ends trimmed of spaces and punctuation as the parse-based contents are."""
    runs: list[list[int]] = []
    open_run = False
    for piece, lab in zip(window.pieces, labels):
        if piece < 0:
            if lab == 0 or not open_run:
                open_run = False
            continue
        if lab == 1 or (lab == 2 and not open_run):
            runs.append([piece, piece])
            open_run = True
        elif lab == 2:
            runs[-1][1] = piece
        else:
            open_run = False
    out = []
    for a, b in runs:
        start, end = enc.offsets[a][0], enc.offsets[b][1]
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        if end - start >= 2:
            out.append((start, end))
    return out


@lru_cache(maxsize=1)
def _session(path: str = str(MODEL_PATH)):
    from storyline.embed import onnx_session

    return onnx_session(path)


def available(path: Path = MODEL_PATH) -> bool:
    """Whether the tagger's model file is present."""
    return path.is_file()


def label_windows(windows: list[Window], batch_size: int = 16, path: Path = MODEL_PATH) -> list[tuple[list[int], np.ndarray]]:
    """For each window, its best label per position and the probability of that label."""
    session = _session(str(path))
    out: list[tuple[list[int], np.ndarray]] = [([], np.zeros(0))] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    for lo in range(0, len(order), batch_size):
        idx = order[lo : lo + batch_size]
        width = max(len(windows[i].ids) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, i in enumerate(idx):
            n = len(windows[i].ids)
            ids[row, :n] = windows[i].ids
            mask[row, :n] = 1
        logits = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        z = np.exp(logits - logits.max(-1, keepdims=True))
        probs = z / z.sum(-1, keepdims=True)
        for row, i in enumerate(idx):
            n = len(windows[i].ids)
            out[i] = (probs[row, :n].argmax(-1).tolist(), probs[row, :n].max(-1))
    return out


@dataclass
class Tagged:
    """The tagger's content for one cue: character extents and the mean probability of their labels."""

    fragments: list[tuple[int, int]]
    confidence: float


def tag_contents(doc: "Doc", cues: list[tuple["Token", tuple[int, int]]], path: Path = MODEL_PATH) -> list[Tagged]:
    """The tagged content of each (cue token, cue character span), in order; empty fragments
    where the tagger marks no content or the cue has no window."""
    text = doc.text
    enc = encode(text)
    windows = [cue_window(enc, span, context_start(tok)) for tok, span in cues]
    present = [w for w in windows if w is not None]
    labelled = iter(label_windows(present, path=path)) if present else iter(())
    out = []
    for w in windows:
        if w is None:
            out.append(Tagged([], 0.0))
            continue
        labels, probs = next(labelled)
        inside = [p for piece, lab, p in zip(w.pieces, labels, probs) if piece >= 0 and lab > 0]
        out.append(Tagged(decode(enc, w, labels, text), float(np.mean(inside)) if inside else 0.0))
    return out
