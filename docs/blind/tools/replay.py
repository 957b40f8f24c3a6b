"""replay.py FILE CONV_ID: each turn of one conversation with the reply's lang, intent, rule and text."""
import sys, os, yaml
sys.path.insert(0, os.getcwd())
from bot.settings import Settings
from bot.cli import _brain
from bot.brain import Context
from bot.evaluation import evaluate_file
data = yaml.safe_load(open(sys.argv[1]))
convs = data["conversations"] if isinstance(data, dict) else data
conv = next(c for c in convs if c["id"] == sys.argv[2])
brain = _brain(Settings()); ctx = Context(); offered = ()
for t in conv["turns"]:
    if "tap" in t:
        pick = offered[t["tap"] - 1] if 0 < t["tap"] <= len(offered) else ""
        a = brain.tap(pick, ctx); q = f"[tap {t['tap']}: {pick}]"
    else:
        a = brain.answer(t["q"], ctx); q = t["q"]
    offered = a.suggestions
    print(f"> {q}   [{t.get('lang')}/{t.get('category')}]")
    print(f"  {a.lang} {a.intent} {a.rule} ctx.lang={ctx.lang}: {a.text[:150]!r}")
