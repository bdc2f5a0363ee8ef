"""The CPU samples (jdk.ExecutionSample) of a JFR recording, JDK's or async-profiler's: for jfr-top.py and
jfr-compare.py."""
import re
import subprocess


def load(path, depth=64):
    """[(thread name, [frames, the top first])] of the recording, each frame as `jfr print` names it, no line."""
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", str(depth), path],
                          check=True, capture_output=True, text=True).stdout
    samples, thread, frames = [], None, None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("sampledThread"):
            m = re.search(r'"([^"]*)"', s)
            thread = m.group(1) if m else "?"
        elif s.startswith("stackTrace = ["):
            frames = []
        elif frames is not None and s == "]":
            samples.append((thread, frames))
            frames = None
        elif frames is not None and s and s != "...":
            frames.append(re.sub(r"\s+line:.*$", "", s))
    return samples
