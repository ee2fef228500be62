"""Convert the English MEANTIME corpus (120 Wikinews articles, CAT XML) into storyline JSONL.

Usage: python examples/make_meantime.py ../shared/data/timex/meantime examples/wikinews-meantime.jsonl

In each file, sentence 0 is the headline, sentence 1 the dateline and the
document creation time (DCT) is the TIMEX3 with functionInDocument="CREATION_TIME".
The tokens are joined back into text with English spacing rules.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}


def detokenize(tokens: list[str]) -> str:
    out: list[str] = []
    open_quote = False
    for tok in tokens:
        tok = {"``": '"', "''": '"'}.get(tok, tok)
        if tok == '"':
            if open_quote:
                out.append('"')
            else:
                out.append((" " if out else "") + '"')
            open_quote = not open_quote
            continue
        glue = not out or tok in NO_SPACE_BEFORE or out[-1].strip() in NO_SPACE_AFTER or (
            out[-1] in ('"', ' "') and open_quote
        )
        out.append(tok if glue else " " + tok)
    return "".join(out)


def convert(path: Path) -> dict:
    root = ET.parse(path).getroot()
    sentences: dict[int, list[str]] = {}
    for tok in root.iter("token"):
        sentences.setdefault(int(tok.get("sentence", "0")), []).append(tok.text or "")
    dct = next(
        (t.get("value") for t in root.iter("TIMEX3") if t.get("functionInDocument") == "CREATION_TIME"), None
    )
    order = sorted(sentences)
    if dct is None or not re.fullmatch(r"\d{4}-\d\d-\d\d", dct):
        # Two files lack the DCT tag and one has it as DD-MM-YYYY: read the dateline ("September 01, 2007").
        from datetime import datetime

        dct = datetime.strptime(detokenize(sentences[order[1]]), "%B %d, %Y").date().isoformat()
    title = detokenize(sentences[order[0]])
    body = [detokenize(sentences[i]) for i in order[2:]]
    text = re.sub(r"[ \t]+", " ", " ".join(body)).strip()
    return {
        "title": title,
        "text": text,
        "published": dct,
        "url": root.get("url"),
        "source": "Wikinews",
        "topic": path.parent.name.removeprefix("corpus_"),
    }


def main(src: str, dst: str) -> None:
    files = sorted(Path(src).glob("intra_cross-doc_annotation/corpus_*/*.xml"))
    if len(files) != 120:
        raise SystemExit(f"{src}: expected 120 MEANTIME English files, found {len(files)}")
    rows = sorted((convert(f) for f in files), key=lambda r: (r["published"] or "", r["url"] or ""))
    with open(dst, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} articles to {dst}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
