#!/usr/bin/env python3
"""The CPU of a request, by what it was spent on, for several profiles side by side (bench.sh JFR=1 PROFILER=async).

Usage: jfr-compare.py LABEL=recording.jfr:OPS:CPU_US_PER_OP [...]
  OPS            the requests answered while it recorded (the phase's ok= in openload-<path>-<rep>.txt)
  CPU_US_PER_OP  the JVM's CPU per request from /proc (results.md, "CPU µs/op: JVM"): each category's share of the
                 samples times it, so the columns add up to what bench.sh measured
Each sample goes to the first category met walking down from its top frame (the most specific step): a query
sent from the gateway's code is the pg client's, a JSON answer built there is the gateway's; the router, futures
and the event loop get only the samples under none of the others.
"""
import collections
import os
import re
import sys

from jfr_samples import load

CATEGORIES = [  # (name, test on one frame), the first to match from the top frame down
    ("Micrometer: Vert.x HTTP server, pool and client metrics", lambda f: f.startswith(("io.micrometer.", "io.vertx.micrometer."))),
    ("HTTP answer written from another event loop (a queued write, drained there)",
     lambda f: "InternalMessageChannel.stopDraining" in f or "OutboundMessageQueue.drain(" in f),
    ("HTTP answer written (Vert.x, Netty, send)", lambda f: "Http1xServerResponse.end" in f),
    ("pg client: encode and send", lambda f: "pgclient.impl.codec.PgEncoder" in f or "SocketConnectionBase.checkPending" in f),
    ("pg client: decode", lambda f: "pgclient.impl.codec.PgDecoder" in f),
    ("HTTP request decode (Netty)", lambda f: "HttpObjectDecoder" in f),
    ("gateway code (io.payg, and the JDK and JSON code it calls)", lambda f: f.startswith("io.payg.")),
    ("Vert.x router, futures, contexts", lambda f: f.startswith(("io.vertx.ext.web.", "io.vertx.core.impl.future", "io.vertx.core.impl.ContextBase"))),
    ("event loop: epoll, task queue, reads", lambda f: f.startswith("io.netty.") or "epoll" in f),
]


def category(thread, frames):
    if "Compiler" in thread:
        return "JIT compiler threads"
    if thread.startswith(("GC Thread", "G1 ", "VM Thread")):
        return "GC and VM threads"
    # the specific steps first, from the top frame down (Netty's and libc's frames of a write sit above the
    # Vert.x frame that says what was written); the router, futures and the event loop only where none is
    for group in (CATEGORIES[:-2], CATEGORIES[-2:]):
        for f in frames:
            for name, test in group:
                if test(f):
                    return name
    return "other"


columns = []
for arg in sys.argv[1:]:
    label, rest = arg.split("=", 1)
    path, ops, cpu = rest.rsplit(":", 2)
    samples = load(path, 128)
    counts = collections.Counter(category(t, f) for t, f in samples)
    columns.append((label, path, int(ops), float(cpu), len(samples), counts))

names = [n for n, _ in CATEGORIES] + ["JIT compiler threads", "GC and VM threads", "other"]
print("JVM CPU µs per request, by category (share of the profile's samples × the JVM's CPU per request)")
print(" | ".join(f"{label:>12}" for label, *_ in columns) + " | category")
for n in names:
    if any(c[5][n] for c in columns):
        print(" | ".join(f"{cpu * c[n] / total:12.1f}" for _, _, _, cpu, total, c in columns) + f" | {n}")
print(" | ".join(f"{cpu:12.1f}" for _, _, _, cpu, _, _ in columns) + " | all (measured from /proc)")
print(" | ".join(f"{total:12d}" for *_, total, _ in columns) + " | samples")
for label, path, ops, cpu, total, _ in columns:
    print(f"{label}: {path}, {ops} requests")

# the gateway's own code, by its step nearest the top frame (µs per request), for each profile that has any
GATEWAY = CATEGORIES[6][0]
for label, path, ops, cpu, total, counts in columns:
    if not counts[GATEWAY]:
        continue
    steps = collections.Counter()
    for t, f in load(path, 128):
        if category(t, f) == GATEWAY:
            step = next(x for x in f if x.startswith("io.payg."))
            steps[re.sub(r"\(.*", "", step).rsplit(".", 2)[-2] + "." + re.sub(r"\(.*", "", step).rsplit(".", 1)[-1]] += 1
    print(f"\n{label}: {GATEWAY}, {cpu * counts[GATEWAY] / total:.1f} µs per request, by step")
    for name, n in steps.most_common(int(os.environ.get("TOP", "15"))):
        print(f"  {cpu * n / total:5.1f}  {name}")
