"""The ECB+ pair diagnostic: AUCs and the first-report scores come from the documents given."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from storyline.evaluation.clustering import Doc
from storyline.evaluation.event_pairs import pair_report


def _doc(i: int, gold: str, words: str) -> Doc:
    return Doc(id=str(i), title=words.split()[0].title(), text=words, published=None, gold=gold)


def test_separable_events_score_auc_one_and_their_first_report_low() -> None:
    quake = "Quake strikes Qeshm island killing ten villagers near Bandar Abbas"
    flood = "Floods sweep Jakarta suburbs leaving thousands homeless after monsoon rains"
    docs = [_doc(0, "1/1", quake), _doc(1, "1/2", flood), _doc(2, "1/1", quake + " again"), _doc(3, "1/2", flood + " again")]
    emb = np.eye(4, 8, dtype=np.float32)
    emb[2] = emb[0]
    emb[3] = emb[1]
    report = pair_report(docs, emb)
    assert report.pairs == 6 and report.same_share == round(2 / 6, 4)
    assert report.auc["embedding"] == 1.0 and report.auc["blend"] == 1.0
    assert report.first_reports == [0.0]  # the flood report shares nothing with the quake
    assert min(report.nearest_same) > 0.9
    assert report.crossing(0.45) == (0.0, 0.0)


def test_ecbplus_topics_overlap_where_online_joining_decides(shared: Path) -> None:
    from storyline.evaluation.clustering import embed_docs, load_ecbplus

    docs = [d for d in load_ecbplus(shared / "data") if d.gold.split("/")[0] in ("9", "12")]
    report = pair_report(docs, embed_docs(docs))
    assert len(report.first_reports) == 2
    assert 0.5 < report.auc["blend"] < 1.0
