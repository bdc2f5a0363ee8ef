#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording (jdk.ExecutionSample) by frame, for bench.sh JFR=1.

Usage: jfr-top.py recording.jfr [more.jfr ...]   (TOP=25 rows per table; several recordings are summed)
Prints the share of samples per top frame (where the CPU was), per first frame of the gateway's own code
(io.payg: which of its steps led there), per package of the top frame, and per thread group.
"""
import collections
import os
import re
import sys

import jfr_samples

paths = sys.argv[1:]
top = int(os.environ.get("TOP", "25"))
samples = [x for p in paths for x in jfr_samples.load(p)]  # (thread, [frames, top first])

n = len(samples)
print(f"{n} samples (jdk.ExecutionSample) in {' '.join(paths)}")
if n == 0:
    sys.exit(0)


def table(title, counter):
    print(f"\n{title}")
    for key, c in counter.most_common(top):
        print(f"{100.0 * c / n:6.1f} %  {c:6d}  {key}")


def group(t):
    return re.sub(r"[-#]?\d+$", "", t or "?")


table("top frame", collections.Counter(f[0] if f else "?" for _, f in samples))
table("first io.payg frame (the gateway's step the sample is under)",
      collections.Counter(next((x for x in f if x.startswith("io.payg.")), "(none: framework only)") for _, f in samples))
table("package of the top frame",
      collections.Counter(".".join(f[0].split("(")[0].split(".")[:-2]) if f else "?" for _, f in samples))
table("thread", collections.Counter(group(t) for t, _ in samples))
