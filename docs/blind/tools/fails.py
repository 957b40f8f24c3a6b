import json, sys, re
d = json.load(open(sys.argv[1]))["items"]; pat = re.compile(sys.argv[2] if len(sys.argv) > 2 else ".")
for k, v in d.items():
    if not v[0] and pat.search(k):
        print(k[:240]); print("   ", v[4], v[5], v[1], v[2][:200].replace("\n", " "), v[3])
