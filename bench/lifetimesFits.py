"""Times lifetimes' MBG/NBD (and with --pareto, Pareto/NBD) fits on a summary CSV for bench/clvCli.ts.

The yardstick beside lifetimes_bench.py of the lifetimes anchor, which times BG/NBD and Gamma-Gamma:
run with PYTHONPATH pointing to the anchor's src/. Prints one JSON line.
Usage: lifetimesFits.py SUMMARY.csv [--pareto]
"""
import json
import sys
import time

import pandas as pd
from lifetimes import ModifiedBetaGeoFitter, ParetoNBDFitter

d = pd.read_csv(sys.argv[1])
out = {}
t = time.perf_counter()
m = ModifiedBetaGeoFitter()
m.fit(d["frequency"], d["recency"], d["T"])
out["mbgnbd_fit_s"] = time.perf_counter() - t
out["mbgnbd_params"] = {k: float(v) for k, v in m.params_.items()}
if "--pareto" in sys.argv:
    t = time.perf_counter()
    p = ParetoNBDFitter()
    p.fit(d["frequency"], d["recency"], d["T"])
    out["paretonbd_fit_s"] = time.perf_counter() - t
    out["paretonbd_params"] = {k: float(v) for k, v in p.params_.items()}
print(json.dumps(out))
