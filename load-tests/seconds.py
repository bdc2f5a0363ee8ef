#!/usr/bin/env python3
"""One measured window of bench.sh, second by second: where its worst latencies were, and what ran then.

Usage: seconds.py openload.txt cpu.tsv CLK_TCK postgres.log gc.log [recording.jfr]
  openload.txt  OpenLoad's output: window_start_ms, worst_ms_by_second
  cpu.tsv       bench.sh per_second: ms, then CPU ticks of the gateway, PostgreSQL, the simulator, and the
                machine's busy, idle, iowait, steal
  postgres.log  the cluster's log: checkpoints and autovacuum runs (log_checkpoints, log_autovacuum_min_duration=0)
  gc.log        the gateway's -Xlog:gc with the time decorator: its pauses
  recording     optional profile of the gateway over the window (JFR, or async-profiler's JFR output): CPU samples
                per thread kind and gateway step; JIT time from compiler threads' samples or jdk.Compilation
Prints a row per second of the window, then the worst seconds against the rest: whether the machine was out of
CPU (a burst) or idle (a wait), and which of the gateway's steps and threads had more samples then.
"""
import collections
import datetime
import json
import re
import statistics
import subprocess
import sys

load, cpu_file, tck, pg_log, gc_log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
jfr_file = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] else None
text = open(load).read()
start = int(re.search(r"window_start_ms=(\d+)", text).group(1))
worst = [int(v) for v in re.search(r"worst_ms_by_second=([\d,]+)", text).group(1).split(",")]
seconds = len(worst)


def second_of(ms):
    return int((ms - start) // 1000)


# CPU ms per process and machine state per second: each interval between two samples (about 0.5 s apart, not
# aligned with the window's seconds) is shared among the seconds it overlaps, in proportion to the overlap
cols = ("gw", "pg", "sim", "busy", "idle", "iowait", "steal")
cpu = collections.defaultdict(lambda: collections.Counter())
rows = [list(map(int, l.split())) for l in open(cpu_file) if l[0].isdigit()]
for a, b in zip(rows, rows[1:]):
    if b[0] <= a[0]:
        continue
    first, last = second_of(a[0]), second_of(b[0] - 1)
    for s in range(first, last + 1):
        lo, hi = max(a[0], start + s * 1000), min(b[0], start + (s + 1) * 1000)
        share = max(0, hi - lo) / (b[0] - a[0])
        for i, c in enumerate(cols):
            cpu[s][c] += (b[i + 1] - a[i + 1]) * 1000 / tck * share

# PostgreSQL's checkpoints and autovacuum runs that overlap the window (the log line's own timestamp)
pg_events = collections.defaultdict(list)
for line in open(pg_log, errors="replace"):
    m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) (\w+)", line)
    if not m or not re.search(r"checkpoint (starting|complete)|automatic (vacuum|analyze)", line):
        continue
    t = datetime.datetime.strptime(m.group(1) + " " + m.group(2), "%Y-%m-%d %H:%M:%S.%f %Z")
    s = second_of(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    if 0 <= s < seconds:
        what = re.search(r"checkpoint (starting|complete)|automatic (vacuum|analyze) of table \"([^\"]+)\"", line)
        pg_events[s].append(what.group(0).replace("automatic ", "auto").replace(" of table", ""))


# the gateway's GC pauses: [2026-12-02T04:12:09.123+0000][0.577s][info][gc] GC(0) Pause Young ... 7.009ms
gc_ms = collections.Counter()
try:
    for line in open(gc_log, errors="replace"):
        m = re.match(r"\[(\d{4}-\d\d-\d\dT[\d:.]+)([+-]\d{4})\].* Pause .* ([\d.]+)ms$", line.strip())
        if m:
            t = datetime.datetime.strptime(m.group(1) + m.group(2), "%Y-%m-%dT%H:%M:%S.%f%z")
            s = second_of(t.timestamp() * 1000)
            if 0 <= s < seconds:
                gc_ms[s] += float(m.group(3))
except FileNotFoundError:
    pass


def thread_kind(name):
    name = name or "?"
    if name.startswith("vert.x-eventloop"):
        return "event-loop"
    if name.startswith("vert.x-worker") or "worker" in name.lower():
        return "worker"
    if "compiler" in name.lower() or name.startswith("C1") or name.startswith("C2"):
        return "jit"
    return re.sub(r"[-#]?\d+$", "", name)


samples = collections.defaultdict(collections.Counter)  # second -> thread kind -> samples
steps = collections.defaultdict(collections.Counter)  # second -> first io.payg frame -> samples
# JIT time: async-profiler samples the compiler threads (4 ms a sample at 250 Hz); the JDK's JFR samples Java
# threads only and records jdk.Compilation events instead (a recording holds one kind or the other)
jit_ms = collections.Counter()
if jfr_file:
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.Compilation", jfr_file],
                         check=True, capture_output=True, text=True).stdout
    for e in json.loads(out)["recording"]["events"]:
        v = e["values"]
        t = datetime.datetime.fromisoformat(v["startTime"][:26].rstrip("Z")).replace(tzinfo=datetime.timezone.utc)
        s = second_of(t.timestamp() * 1000)
        if not 0 <= s < seconds:
            continue
        if e["type"] == "jdk.ExecutionSample":
            th = v["sampledThread"]
            kind = thread_kind(th.get("javaName") or th.get("osName"))
            samples[s][kind] += 1
            if kind == "jit":
                jit_ms[s] += 4
            # a thread of the JVM's own (JIT, GC) is named as such; a Java thread by the gateway's step
            step = "(framework only)" if kind in ("event-loop", "worker") or th.get("javaName") else f"[{kind}]"
            for f in (v.get("stackTrace") or {}).get("frames", []):
                cls = ((f.get("method") or {}).get("type") or {}).get("name", "").replace("/", ".")
                if cls.startswith("io.payg"):
                    step = cls.rsplit(".", 1)[1] + "." + f["method"]["name"]
                    break
            steps[s][step] += 1
        elif e["type"] == "jdk.Compilation":
            d = v["duration"]  # PT0.018120001S
            jit_ms[s] += float(d[2:-1]) * 1000 if d.endswith("S") and "M" not in d else 0

print(f"window of {seconds} s from {datetime.datetime.utcfromtimestamp(start / 1000):%H:%M:%S.%f} UTC "
      f"({load}); CPU in ms per second, each process and the machine (2 cores: 2,000 ms)")
print(f"{'s':>3} {'worst_ms':>8} {'gateway':>7} {'pg':>6} {'sim':>5} {'other':>5} {'idle':>5} {'iowait':>6} "
      f"{'steal':>5} {'gc_ms':>6} {'jit_ms':>6}  samples by thread          postgres")
for s in range(seconds):
    c = cpu[s]
    other = c["busy"] - c["gw"] - c["pg"] - c["sim"]
    th = " ".join(f"{k}={n}" for k, n in samples[s].most_common(3))
    print(f"{s:>3} {worst[s]:>8} {c['gw']:>7.0f} {c['pg']:>6.0f} {c['sim']:>5.0f} {other:>5.0f} {c['idle']:>5.0f} "
          f"{c['iowait']:>6.0f} {c['steal']:>5.0f} {gc_ms[s]:>6.1f} {jit_ms[s]:>6.0f}  {th:<26} "
          f"{', '.join(pg_events[s])}")

# the worst seconds (a fifth of the window, at least 2) against the others
order = sorted(range(seconds - 1), key=lambda s: -worst[s])  # the last second is partial
k = max(2, (seconds - 1) // 5)
bad, rest = order[:k], order[k:]


def mean(key, group):
    return statistics.mean(cpu[s][key] for s in group) if group else 0


print(f"\nthe {k} worst seconds {sorted(bad)} (worst {min(worst[s] for s in bad)}–{max(worst[s] for s in bad)} ms) "
      f"against the other {len(rest)} (median worst {statistics.median(worst[s] for s in rest) if rest else 0} ms):")
for key in cols:
    print(f"  {key:>7}: {mean(key, bad):7.0f} ms/s against {mean(key, rest):7.0f}")
print(f"  gc pauses: {statistics.mean(gc_ms[s] for s in bad):.1f} ms/s against "
      f"{statistics.mean(gc_ms[s] for s in rest) if rest else 0:.1f}; "
      f"JIT: {statistics.mean(jit_ms[s] for s in bad):.0f} ms/s against {statistics.mean(jit_ms[s] for s in rest) if rest else 0:.0f}")
if jfr_file:
    for title, table in (("thread kind", samples), ("first io.payg frame", steps)):
        b = collections.Counter()
        r = collections.Counter()
        for s in bad:
            b.update(table[s])
        for s in rest:
            r.update(table[s])
        nb, nr = sum(b.values()) or 1, sum(r.values()) or 1
        print(f"\n  samples per second by {title}: worst seconds ({nb / len(bad):.0f}/s) | others ({nr / max(1, len(rest)):.0f}/s)")
        for name, _ in (b + r).most_common(12):
            print(f"    {b[name] / len(bad):6.1f} | {r[name] / max(1, len(rest)):6.1f}  {name}")
