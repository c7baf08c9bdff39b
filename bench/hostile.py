"""Hostile-input costs (issue 16): a 199 MB CSV, four 5.8 MB uploads at once and 50 sequential uploads.

Each is read as the app reads it: the guard, then the sandboxed parse, through the app's byte-bounded read
cache (ui.ReadCache), so a second request for the same file (another rerun or page) is a cache hit, refused or
not. Peak memory is the resident memory of this process plus every descendant (the forkserver and the parse
children), sampled every 50 ms from /proc. Affordable on 2 shared cores: about two minutes in all.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import analytics  # noqa: E402
from analytics.ingest import Options, sandbox  # noqa: E402

MB = 1_000_000


def _rss_tree(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(statm.split()[1]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


class PeakSampler:
    """The highest resident memory of this process tree while the block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_tree(os.getpid()))
            time.sleep(0.05)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_tree(os.getpid()))


def _read(cache, data: bytes, name: str):
    """What ui.read does without Streamlit: the cache, the guard and the sandboxed parse."""
    from ui import Refusal

    def compute():
        try:
            return analytics.load(data, filename=name, options=Options())
        except analytics.IngestError as exc:
            return Refusal(exc.user_message)

    return cache.get(str(hash(data)), (name, Options(), "read"), "bench", compute)


def _records_csv(target_bytes: int, seed: int = 0) -> bytes:
    """A long extract: date, team, source, outcome and a count, as case-management systems export."""
    teams = ["North", "South", "East", "West", "Central"]
    sources = ["Phone", "Email", "Web", "Hospital", "GP"]
    lines = ["Date,Team,Source,Outcome,Count"]
    size, i = 0, seed
    while size < target_bytes:
        line = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},{teams[i % 5]},{sources[(i // 5) % 5]},Outcome {i % 7},{i % 9}"
        lines.append(line)
        size += len(line) + 1
        i += 1
    return ("\n".join(lines) + "\n").encode()


def _timed(cache, data: bytes, name: str) -> tuple[float, object]:
    started = time.perf_counter()
    value = _read(cache, data, name)
    return time.perf_counter() - started, value


def _outcome(value) -> str:
    from ui import Refusal

    if isinstance(value, Refusal):
        return f"refused: {value.message}"
    return f"loaded: {len(value.frame):,} tidy rows, {value.ledger.rows_read:,} rows read"


def big_csv(cache) -> dict:
    data = _records_csv(199 * MB)
    with PeakSampler() as sampler:
        first, value = _timed(cache, data, "big.csv")
    again, _ = _timed(cache, data, "big.csv")
    return {"bytes": len(data), "first_s": first, "again_s": again, "peak": sampler.peak, "outcome": _outcome(value)}


def parallel(cache) -> dict:
    files = [_records_csv(int(5.8 * MB), seed=k * 7919) for k in range(4)]
    results: list[tuple[float, object]] = [None] * 4  # type: ignore[list-item]
    running, most = [0], [0]
    lock = threading.Lock()
    original = sandbox._run

    def counted(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return original(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    sandbox._run = counted
    try:
        with PeakSampler() as sampler:
            started = time.perf_counter()
            threads = [threading.Thread(target=lambda k=k: results.__setitem__(k, _timed(cache, files[k], f"p{k}.csv")))
                       for k in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
    finally:
        sandbox._run = original
    return {"wall_s": wall, "each_s": [r[0] for r in results], "peak": sampler.peak, "most_children": most[0],
            "outcomes": sorted({_outcome(r[1]).split(":")[0] for r in results})}


def sequential(cache) -> dict:
    before = _rss_tree(os.getpid())
    times = []
    with PeakSampler() as sampler:
        for k in range(50):
            seconds, _ = _timed(cache, _records_csv(int(1.5 * MB), seed=k * 104729), f"s{k}.csv")
            times.append(seconds)
            print(f"PROGRESS sequential {k + 1} {seconds:.2f} s cache {cache.total_bytes / 1024**2:.0f} MiB "
                  f"resident {_rss_tree(os.getpid()) / 1024**2:.0f} MiB", flush=True)
    held = cache.total_bytes
    after = _rss_tree(os.getpid())
    cache.release("bench")
    import gc

    gc.collect()
    released = _rss_tree(os.getpid())
    return {"total_s": sum(times), "median_s": sorted(times)[25], "peak": sampler.peak, "before": before,
            "after": after, "released": released, "cache_bytes": held, "entries_after_release": len(cache)}


def main() -> None:
    from ui import CACHE_BYTES, ReadCache

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cache = ReadCache(CACHE_BYTES)
    _read(cache, b"Month,Calls\nJan 2024,1\nFeb 2024,2\nMar 2024,3\n", "warm.csv")  # the forkserver starts
    gb = 1024**3
    big = big_csv(cache)
    print(f"PROGRESS big {big['outcome']} first {big['first_s']:.1f} s again {big['again_s'] * 1000:.1f} ms "
          f"peak {big['peak'] / gb:.2f} GB", flush=True)
    cache.release("bench")
    par = parallel(cache)
    print(f"PROGRESS parallel {par}", flush=True)
    cache.release("bench")
    seq = sequential(cache)
    lines = [
        "## Hostile input and memory (bench/hostile.py)", "",
        "Read as the app reads (guard, sandboxed parse, the byte-bounded read cache); peak is this process and "
        "every descendant (forkserver, parse children), sampled every 50 ms.", "",
        "| Case | Outcome | Time | Peak memory |", "|---|---|---|---|",
        f"| 199 MB CSV ({big['bytes'] / MB:.0f} MB records extract), first read | {big['outcome']} | "
        f"{big['first_s']:.1f} s | {big['peak'] / gb:.2f} GB |",
        f"| same file again (a rerun or another page) | cache hit | {big['again_s'] * 1000:.1f} ms | - |",
        f"| four 5.8 MB uploads at once | {', '.join(par['outcomes'])}; at most {par['most_children']} parse "
        f"child(ren) at a time ({sandbox.MAX_PARALLEL} cores) | {par['wall_s']:.1f} s in all "
        f"(each {min(par['each_s']):.1f}-{max(par['each_s']):.1f} s) | {par['peak'] / gb:.2f} GB |",
        f"| 50 sequential distinct 1.5 MB uploads | loaded; cache holds {seq['cache_bytes'] / 1024**2:.0f} MiB "
        f"| {seq['total_s']:.1f} s in all (median {seq['median_s']:.2f} s) | {seq['peak'] / gb:.2f} GB; "
        f"resident {seq['before'] / 1024**2:.0f} MiB before, {seq['after'] / 1024**2:.0f} MiB after, "
        f"{seq['released'] / 1024**2:.0f} MiB after Remove all data ({seq['entries_after_release']} entries left) |",
        "",
    ]
    figures = [
        {"name": "199 MB CSV peak memory", "value": round(big["peak"] / gb, 2), "unit": "GB", "target": 4.0,
         "better": "lower", "met": big["peak"] / gb < 4.0},
        {"name": "repeat read of a file (cached)", "value": round(big["again_s"], 3), "unit": "s", "target": 0.1,
         "better": "lower", "met": big["again_s"] < 0.1},
        {"name": "parse children at once", "value": par["most_children"], "unit": "", "target": sandbox.MAX_PARALLEL,
         "better": "lower", "met": par["most_children"] <= sandbox.MAX_PARALLEL},
        {"name": "entries left after Remove all data", "value": seq["entries_after_release"], "unit": "",
         "target": 0, "better": "lower", "met": seq["entries_after_release"] == 0},
    ]
    print("\n".join(lines))
    print("BENCH_RESULT " + json.dumps({"bench": "hostile", "markdown": "\n".join(lines), "figures": figures}))


if __name__ == "__main__":
    main()
