"""langstats.py FILE...: per file, items in the file's own language: right, and replied in that language."""
import sys, os
sys.path.insert(0, os.getcwd())
from pathlib import Path
from bot.settings import Settings
from bot.cli import _brain
from bot.evaluation import evaluate_file
brain = _brain(Settings()); T = [0, 0, 0]
for f in sys.argv[1:]:
    lang = Path(f).stem.split("_")[-1]
    rep = evaluate_file(brain, Path(f))
    own = [r for r in rep.results if r.item.lang == lang]
    ok = sum(r.ok for r in own); rl = sum(not any("replied in" in p or "reads as" in p for p in r.problems) for r in own)
    T[0] += ok; T[1] += rl; T[2] += len(own)
    print(f"{lang}: {ok}/{len(own)} right, reply language {rl}/{len(own)}")
print(f"all: {T[0]}/{T[2]} = {T[0]/T[2]:.1%} right; reply language {T[1]}/{T[2]} = {T[1]/T[2]:.1%}")
