"""The GIL is released while simulating, Ctrl-C interrupts, and per-path columns cross
into numpy without a second copy."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import carefund

from conftest import SWINDON

# Paths per run in the timing test: about a second a run on one core.
PATHS = 60_000


def one_run():
    return carefund.run(SWINDON, paths=PATHS, seed=1, threads=1)


def timed(work):
    """Wall and CPU seconds (all threads of this process) of `work()`."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def test_two_threads_run_two_scenarios_faster_than_in_series():
    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs two cores")
    one_run()  # warm up (page in the library, the evidence file)
    series, series_cpu = timed(lambda: (one_run(), one_run()))
    # How much CPU two threads of this process get now, against one: a busy machine
    # may give the process no more than one core, whatever its threads.
    parallel, parallel_cpu = timed(lambda: carefund.run(SWINDON, paths=2 * PATHS, seed=1, threads=2))
    capacity = (parallel_cpu / parallel) / (series_cpu / series)

    results = []

    def two_threads():
        threads = [threading.Thread(target=lambda: results.append(one_run())) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    concurrent, _ = timed(two_threads)
    print(
        f"two runs of {PATHS:,} paths on one thread each: series {series:.2f} s, "
        f"from two Python threads {concurrent:.2f} s ({series / concurrent:.2f}x); "
        f"two threads get {capacity:.2f}x the CPU of one now"
    )
    assert len(results) == 2
    assert results[0].summary_json == results[1].summary_json
    if capacity < 1.3:
        pytest.skip(f"the machine gives this process no second core now ({capacity:.2f}x the CPU with two threads)")
    # Holding the GIL would make the two runs take turns: no faster than in series.
    # Released, they overlap on two cores (ideally twice as fast); the margin allows for
    # a busy machine.
    assert concurrent < 0.8 * series, (series, concurrent)


def test_python_keeps_running_while_a_run_works():
    worker = threading.Thread(target=one_run)
    worker.start()
    n = 0
    while worker.is_alive():
        n += 1
    worker.join()
    # With the GIL held for the whole run this loop could not turn at all meanwhile.
    assert n > 10_000, n


def test_ctrl_c_interrupts_a_long_run(tmp_path):
    script = textwrap.dedent(
        f"""
        import signal, sys, time, carefund
        # As in an interactive session, even when this test runs where SIGINT is ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("ready", flush=True)
        start = time.perf_counter()
        try:
            carefund.run({str(SWINDON)!r}, paths=5_000_000, seed=1, threads=1)
        except KeyboardInterrupt:
            interrupted = time.perf_counter() - start
            # The abandoned run stops within a block (a few milliseconds); from then on
            # the process uses no CPU while it sleeps.
            time.sleep(0.5)
            cpu = time.process_time()
            time.sleep(1.0)
            cpu = time.process_time() - cpu
            print(f"interrupted after {{interrupted:.2f}} s; then {{cpu:.3f}} s of CPU in 1 s", flush=True)
            sys.exit(0)
        print("finished", flush=True)
        sys.exit(1)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    waited = time.perf_counter() - sent
    assert proc.returncode == 0 and "interrupted" in out, out
    # The call returns at the next wake-up of the waiting thread (every 0.1 s), not when
    # five million paths are done.
    assert waited < 10, waited
    # And the run it abandoned stops too (the engine polls the cancellation before each
    # block of paths), rather than burning a core until its stage ends: a second of
    # sleep costs next to no CPU. A run still going would use most of that second.
    cpu = float(out.split("; then ")[1].split(" s of CPU")[0])
    assert cpu < 0.3, out


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux /proc")
def test_a_million_paths_cross_into_numpy_without_a_second_copy():
    r = carefund.run(SWINDON, paths=1_000_000, seed=1)
    before = rss_bytes()
    reset_peak_rss()
    paths = r.paths
    peak = peak_rss_bytes() - before
    columns = r.columns()
    nbytes = sum(a.nbytes for a in columns.values())
    print(
        f"1,000,000 paths, {len(columns)} columns: arrays {nbytes / 1e6:.0f} MB, "
        f"peak resident memory +{peak / 1e6:.0f} MB while they cross"
    )
    assert nbytes == 1_000_000 * 8 * len(columns)
    # The columns are made once in Rust and handed over: memory grows by about their
    # size. A copy on the way (into numpy, or into the DataFrame) would double it.
    assert peak < 1.4 * nbytes, (peak, nbytes)
    for name, a in columns.items():
        assert not a.flags.owndata and a.base is not None  # numpy borrows Rust's buffer
        if hasattr(paths, "columns"):
            assert np.shares_memory(paths[name].to_numpy(), a), name


def test_without_pandas_tables_are_dicts_of_numpy_arrays():
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["pandas"] = None  # import pandas now fails
        import numpy as np, carefund
        r = carefund.run({str(SWINDON)!r}, paths=300, seed=1)
        assert isinstance(r.paths, dict) and isinstance(r.paths["npv"], np.ndarray)
        assert isinstance(r.periods, dict) and set(r.periods) == {{"period", "quantity", "statistic", "value"}}
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
