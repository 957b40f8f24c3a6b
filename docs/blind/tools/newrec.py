"""newrec.py OUT.json: every new record's tune/holdout halves; writes per-item results, prints counts."""
import sys, os, json, tempfile
sys.path.insert(0, os.getcwd())
from pathlib import Path
from bot.brain import Brain
from bot.evaluation import evaluate, load_items
from knowledge.loading import DEFAULT_LANGUAGE
from knowledge.store import open_store
DATA = Path("tests/data"); out = {}; line = []
for rec in ["visit_santiago", "visit_merdeka", "visit_jakarta", "visit_ankara", "visit_dhaka", "visit_riyadh"]:
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "s.db", DATA / rec / "record.yaml", DEFAULT_LANGUAGE)
        brain = Brain(store.knowledge, store)
        counts = []
        for half in ("tune", "holdout"):
            rep = evaluate(brain, load_items(DATA / rec / f"questions_{half}.yaml"))
            for r in rep.results:
                out[f"{rec}:{half}::{r.item.q}"] = [r.ok, r.answer.intent, r.answer.text[:300], r.problems, r.item.category, None, r.answer.rule, r.item.answered]
            counts.append(sum(r.ok for r in rep.results))
        store.close()
        line.append(f"{rec[6:]} {counts[0]}/{counts[1]}")
json.dump({"items": out}, open(sys.argv[1], "w"), ensure_ascii=False)
print("  ".join(line))
