import json, sys
a = json.load(open(sys.argv[1]))["items"]; b = json.load(open(sys.argv[2]))["items"]
gain = [k for k in b if k in a and b[k][0] and not a[k][0]]
loss = [k for k in b if k in a and a[k][0] and not b[k][0]]
print(f"A {sum(v[0] for v in a.values())}/{len(a)}  B {sum(v[0] for v in b.values())}/{len(b)}  common +{len(gain)} -{len(loss)}")
for tag, ks in (("GAIN", gain), ("LOSS", loss)):
    for k in ks:
        print(tag, k[:220]); print("    A:", a[k][1], a[k][2][:160].replace("\n"," ")); print("    B:", b[k][1], b[k][2][:160].replace("\n"," "), b[k][3])
