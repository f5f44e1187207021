#!/usr/bin/env python3
"""Wall time of `carefund.run` (the Python package) against `carefund run` (the command)
on the shipped Swindon scenario, at 10,000 and 1,000,000 paths.

Usage, from the workspace root, with the package installed (`pip install ./python`) in
the Python that runs this and a release binary (`cargo build --release -p carefund-cli`):

    python3 benches/python-vs-cli.py [--cli target/release/carefund] [--repeat 3]

Each figure is the median of `--repeat` runs, all in this one process and session (the
machine is shared: figures measured together are comparable, from different sessions
much less so). "run" is `carefund.run(...)` alone; "run + write" adds `result.write(dir)`,
the files the command writes; the command's time is the whole process, reading the
scenario to writing its files.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

import carefund

SWINDON = "data/scenarios/swindon-2015.toml"


def median_time(work, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", default="target/release/carefund")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"]
    print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(load)}; median of {args.repeat}")
    print(f"{'paths':>10} {'carefund run (CLI)':>20} {'carefund.run':>14} {'run + write':>13}")
    scenario = carefund.Scenario.from_file(SWINDON)
    with tempfile.TemporaryDirectory() as tmp:
        k = iter(range(10**6))  # a new output directory for every run
        for paths in (10_000, 1_000_000):

            def cli():
                out = os.path.join(tmp, f"cli-{next(k)}")
                subprocess.run(
                    [args.cli, "run", SWINDON, "--paths", str(paths), "--seed", "1", "--out", out],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )

            def py():
                carefund.run(scenario, paths=paths, seed=1)

            def py_write():
                carefund.run(scenario, paths=paths, seed=1).write(os.path.join(tmp, f"py-{next(k)}"))

            t_cli = median_time(cli, args.repeat)
            t_py = median_time(py, args.repeat)
            t_write = median_time(py_write, args.repeat)
            print(f"{paths:>10,} {t_cli:>18.2f} s {t_py:>12.2f} s {t_write:>11.2f} s")


if __name__ == "__main__":
    main()
