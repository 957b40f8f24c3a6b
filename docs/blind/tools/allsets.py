"""Evaluate every labelled file under tests/ (or given files) with one brain; write JSON {key: [ok, intent, text[:200], problems]}."""
import json, sys, glob, os, time
sys.path.insert(0, os.getcwd())
from pathlib import Path
from bot.settings import Settings
from bot.cli import _brain
from bot.evaluation import evaluate_file

out = sys.argv[1]
files = sys.argv[2:] or sorted(f for f in glob.glob("tests/*.yaml"))
brain = _brain(Settings())
res = {}
t = time.time()
tot = ok = 0
per = {}
for f in files:
    rep = evaluate_file(brain, Path(f))
    name = os.path.basename(f)
    seen = {}
    for r in rep.results:
        ctx = "|".join(r.item.context)
        k = f"{name}::{ctx}::{r.item.q}"
        seen[k] = seen.get(k, 0) + 1
        if seen[k] > 1:
            k += f"#{seen[k]}"
        res[k] = [r.ok, r.answer.intent, r.answer.text[:300], r.problems, r.item.category, r.item.lang, getattr(r.answer, "rule", ""), r.item.answered]
    g = sum(r.ok for r in rep.results); n = len(rep.results)
    per[name] = (g, n); tot += n; ok += g
json.dump({"items": res, "per": per}, open(out, "w"), ensure_ascii=False)
print(f"{ok}/{tot} {ok/tot:.2%} in {time.time()-t:.0f}s", file=sys.stderr)
