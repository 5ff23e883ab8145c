#!/usr/bin/env python3
"""plugin-start.py - what a CNI plugin process costs per call, several plugins side by side.

usage: bench/plugin-start.py [-n N] [-x] [-e NAME=VALUE ...] STDIN_FILE LABEL=COMMAND [LABEL=COMMAND ...]
  Each COMMAND (split on spaces) runs N times with STDIN_FILE as its stdin and its stdout thrown
  away, as a runtime runs a plugin: no shell in between. The runs are interleaved (one of each
  command per round, the order rotated every round), so the load hits every command alike.
  -e NAME=VALUE  added to every run's environment (CNI_COMMAND=VERSION...)
  -x             any exit code is fine (a call the plugin refuses on purpose: CNI_COMMAND=NONE
                 costs the daemon nearly nothing, so it times the hand-over itself)
Per command: wall time from spawn to exit, p10/p50/p90; and the process's own CPU time
(user+system) and minor page faults from wait4's rusage, means: counts a busy machine barely moves.
A command that exits non-zero (without -x) stops the run, naming its exit code (its output is thrown
away: run it by hand to see it).
"""
import argparse
import os
import statistics
import sys
import time


def one_run(argv, stdin_path, env):
    stdin = os.open(stdin_path, os.O_RDONLY)
    null = os.open(os.devnull, os.O_WRONLY)
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_DUP2, stdin, 0),
                                                          (os.POSIX_SPAWN_DUP2, null, 1)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    os.close(stdin)
    os.close(null)
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, usage.ru_minflt


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("-e", action="append", default=[])
    ap.add_argument("-x", action="store_true")
    ap.add_argument("stdin")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    env = dict(os.environ)
    for kv in a.e:
        k, v = kv.split("=", 1)
        env[k] = v
    commands = []
    for c in a.commands:
        label, cmd = c.split("=", 1)
        commands.append((label, cmd.split()))
    results = {label: [] for label, _ in commands}
    for i in range(a.n):
        order = commands[i % len(commands):] + commands[:i % len(commands)]
        for label, argv in order:
            code, wall, cpu, faults = one_run(argv, a.stdin, env)
            if code != 0 and not a.x:
                sys.exit(f"{label}: exit code {code}; run it by hand to see its output")
            results[label].append((wall, cpu, faults))
    print(f"{'command':<34} {'wall p10':>9} {'p50':>7} {'p90':>7} {'CPU mean':>9} {'faults':>7}   (ms; {a.n} runs each, load "
          f"{os.getloadavg()[0]:.1f})")
    for label, _ in commands:
        r = results[label]
        walls = [w * 1000 for w, _, _ in r]
        print(f"{label:<34} {pct(walls, 10):9.2f} {pct(walls, 50):7.2f} {pct(walls, 90):7.2f} "
              f"{statistics.mean(c for _, c, _ in r) * 1000:9.2f} {statistics.mean(f for _, _, f in r):7.0f}")


if __name__ == "__main__":
    main()
