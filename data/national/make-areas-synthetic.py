"""Regenerate data/national/areas-synthetic.csv (SYNTHETIC areas, not the published allocations).

151 areas (one per Health and Wellbeing Board: HSJ/LGC interview, 2014). Sizes are random
(lognormal weights, seed 20150401) scaled so that the columns sum to the national figures:
baseline admissions 3,450,000 (106,000 / 3.07%: NAO HC 1011, 2017; PAC HC 807, 2015, derived)
and pooled £5,300,000,000 (NAO, Feb 2017: £5.3bn pooled in 2015/16). Ambitions: about a quarter
at the 3.5% minimum (NHS England guidance, July 2014), a few low ones like Sunderland's 0.8%,
the rest between 2% and 3.75% (Wiltshire), shifted so the admission-weighted mean is 3.07%
(PAC HC 807, 2015) to four decimals.

    python3 data/national/make-areas-synthetic.py
"""
import math
import random

random.seed(20150401)
N = 151
B_TOTAL = 3_450_000
P_TOTAL = 5_300_000_000
w = [math.exp(random.gauss(0, 0.55)) for _ in range(N)]
s = sum(w)
b = [round(B_TOTAL * x / s) for x in w]
b[-1] += B_TOTAL - sum(b)
pw = [bi * math.exp(random.gauss(0, 0.15)) for bi in b]
ps = sum(pw)
p = [round(P_TOTAL * x / ps / 1000) * 1000 for x in pw]
p[-1] += P_TOTAL - sum(p)
t = []
for i in range(N):
    r = random.random()
    if r < 0.08:
        t.append(random.uniform(0.008, 0.02))
    elif r < 0.35:
        t.append(0.035)
    else:
        t.append(random.uniform(0.02, 0.0375))
t = [round(x, 4) for x in t]


def wmean():
    return sum(ti * bi for ti, bi in zip(t, b)) / B_TOTAL


for _ in range(50):
    err = 0.0307 - wmean()
    free = [i for i in range(N) if abs(t[i] - 0.035) > 1e-9]
    wf = sum(b[i] for i in free)
    for i in free:
        t[i] = round(min(0.0375, max(0.008, t[i] + err * B_TOTAL / wf)), 4)
with open("data/national/areas-synthetic.csv", "w") as f:
    f.write("area,pooled,baseline_admissions,target_reduction\n")
    for i in range(N):
        f.write(f"Synthetic area {i + 1:03d},{p[i]},{b[i]},{t[i]}\n")
print("weighted mean ambition", wmean(), "planned avoided", sum(ti * bi for ti, bi in zip(t, b)))
