#!/usr/bin/env python3
"""daemon-cni-cost.py - what one CNI ADD and DEL cost netmgrd, for one or more builds side by side.

usage: bench/daemon-cni-cost.py [-n N] [-w WARMUP] [--strace] [--udp] LABEL=DIST [LABEL=DIST ...]
  DIST is a built distribution directory (dist/target/netmgr, or a copy of an older build's).
  -n N        containers per build (default 100), each ADDed then DELed, one published port each
  -w WARMUP   containers ADDed and DELed before the timed part (default 20: the JIT warms up)
  --strace    also count the daemon's system calls over the timed ADDs (strace -f -c; slows it)
  --udp       publish a UDP port instead of TCP (the path that forgets stale conntrack entries)
  NETMGR_OPTS_<LABEL>=... in the environment: JVM flags for that build's netmgrd alone

Each build's netmgrd runs in a network namespace of its own that plays the host (nmb-cost-*),
with its own socket and state directory, so the builds run at the same moment on the same
machine: the calls are interleaved (build A's ADD of container i, then B's; the order rotated
every container), so load hits every build alike. Per build it prints, for the timed part:
  - wall time of each plugin call as a runtime sees it (the launcher + the daemon), p50/p90;
  - the daemon's own time (netmgrd's /metrics, cni.add / cni.del p50 over the whole run);
  - the daemon's CPU time per call (utime+stime of its process and of the commands it ran,
    over the phase / calls), which
    the machine's load barely moves: the figure to compare builds by on a busy machine;
  - the threads the daemon started per ADD (from /proc/PID/status before and after is not
    cumulative, so it is read from strace's clone count with --strace).
Everything it makes (namespaces, state dirs) is removed at the end, even on failure.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")


def sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cpu_seconds(pid):
    # the JVM is the launcher's exec'd process: utime+stime of all its threads and of the
    # processes it started and waited for (fields 14-17), so a command it runs counts too
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def metrics(sock):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(b"GET /metrics HTTP/1.0\r\nHost: netmgrd\r\n\r\n")
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    out = {}
    for line in data.decode().splitlines():
        for op in ("add", "del"):
            key = 'netmgr_operation_seconds{operation="cni.%s",outcome="ok",quantile="0.5"} ' % op
            if line.startswith(key):
                out[op] = float(line[len(key):]) * 1000
    return out


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


class Build:
    def __init__(self, label, dist, work, tag, udp):
        self.label, self.dist, self.udp = label, os.path.abspath(dist), udp
        self.host = f"nmb-cost-{tag}-{label}"
        self.dir = os.path.join(work, label)
        self.sock = os.path.join(self.dir, "netmgr.sock")
        self.containers = []
        self.wall = {"ADD": [], "DEL": []}
        self.cpu = {"ADD": 0.0, "DEL": 0.0}
        self.calls = {"ADD": 0, "DEL": 0}
        self.proc = None
        self.pid = None
        self.strace = None
        os.makedirs(os.path.join(self.dir, "state"))
        self.conf = json.dumps({
            "cniVersion": "1.0.0", "name": "nmb-cost", "type": "netmgr", "bridge": "nmbcost0",
            "isGateway": True, "ipMasq": True, "hairpinMode": True,
            "stateDir": os.path.join(self.dir, "state"), "daemonSocket": self.sock,
            "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.225.0.0/16", "gateway": "10.225.0.1"}]],
                     "routes": [{"dst": "0.0.0.0/0"}]},
            "capabilities": {"portMappings": True},
        })

    def start(self):
        sh("ip", "netns", "add", self.host)
        sh("ip", "-n", self.host, "link", "set", "lo", "up")
        log = open(os.path.join(self.dir, "netmgrd.log"), "w")
        env = dict(os.environ)
        if os.environ.get("NETMGR_OPTS_" + self.label) is not None:  # JVM flags for this build alone
            env["NETMGR_OPTS"] = os.environ["NETMGR_OPTS_" + self.label]
        self.proc = subprocess.Popen(["nsenter", f"--net=/run/netns/{self.host}", os.path.join(self.dist, "bin", "netmgrd"),
                                      "--socket", self.sock, "--state-dir", os.path.join(self.dir, "state")],
                                     stdout=log, stderr=log, env=env, start_new_session=True)

    def wait_ready(self):
        deadline = time.time() + 120
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit(f"{self.label}: netmgrd did not start, see {self.dir}/netmgrd.log")
            time.sleep(0.1)
        # the java process: the launcher scripts exec it, so it is ip netns exec's pid's descendant or itself
        out = sh("pgrep", "-f", "-s", str(self.proc.pid), "io.netmgr.daemon.Netmgrd").stdout.split()
        self.pid = int(out[0]) if out else self.proc.pid

    def call(self, command, i, timed):
        name = f"{self.host}-c{i}"
        if command == "ADD":
            sh("ip", "netns", "add", name)
            # as runtimes leave it (podman, containerd): else netmgr's resolver, finding no
            # 127.0.0.11 to bind in the sandbox, tries again every second for every container
            sh("ip", "-n", name, "link", "set", "lo", "up")
        conf = json.loads(self.conf)
        conf["runtimeConfig"] = {"portMappings": [{"hostPort": 20000 + i % 40000, "containerPort": 80,
                                                   "protocol": "udp" if self.udp else "tcp"}]}
        env = dict(os.environ, CNI_COMMAND=command, CNI_CONTAINERID=f"nmbcost{i:06d}", CNI_NETNS=f"/run/netns/{name}",
                   CNI_IFNAME="eth0", CNI_PATH="/usr/lib/cni")
        cpu0 = cpu_seconds(self.pid)
        t0 = time.perf_counter()
        r = subprocess.run([os.path.join(self.dist, "bin", "netmgr-cni")], input=json.dumps(conf), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        elapsed = (time.perf_counter() - t0) * 1000
        cpu1 = cpu_seconds(self.pid)
        if r.returncode != 0:
            raise SystemExit(f"{self.label}: {command} of container {i} failed ({r.returncode}): {r.stdout} {r.stderr}")
        if command == "DEL":
            sh("ip", "netns", "del", name, check=False)
        if timed:
            self.wall[command].append(elapsed)
            self.cpu[command] += cpu1 - cpu0
            self.calls[command] += 1

    def start_strace(self, out):
        self.strace = subprocess.Popen(["strace", "-f", "-c", "-o", out, "-p", str(self.pid)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)  # attached to every thread

    def stop_strace(self):
        if self.strace:
            self.strace.send_signal(signal.SIGINT)
            self.strace.wait(30)
            self.strace = None

    def stop(self):
        self.stop_strace()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for line in sh("ip", "netns", "list").stdout.splitlines():
            ns = line.split()[0] if line.split() else ""
            if ns == self.host or ns.startswith(self.host + "-c"):
                sh("ip", "netns", "del", ns, check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("-w", type=int, default=20)
    ap.add_argument("--strace", action="store_true")
    ap.add_argument("--udp", action="store_true")
    ap.add_argument("builds", nargs="+", metavar="LABEL=DIST")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("must run as root")
    work = tempfile.mkdtemp(prefix="daemon-cni-cost.")
    tag = str(os.getpid())
    builds = []
    try:
        for spec in a.builds:
            label, dist = spec.split("=", 1)
            if not os.access(os.path.join(dist, "bin", "netmgr-cni"), os.X_OK):
                raise SystemExit(f"{dist}/bin/netmgr-cni missing: build first")
            builds.append(Build(label, dist, work, tag, a.udp))
        for b in builds:
            b.start()
        for b in builds:
            b.wait_ready()
        for b in builds:  # warm-up: the same calls, not timed
            for i in range(a.w):
                b.call("ADD", 100000 + i, False)
                b.call("DEL", 100000 + i, False)
        # what the daemon spends with nothing asked (its rule guard, its reconciler), the network made:
        # a share of every call's CPU figure below, as much as the call's duration
        idle0 = {b.label: cpu_seconds(b.pid) for b in builds}
        time.sleep(5)
        for b in builds:
            b.idle = (cpu_seconds(b.pid) - idle0[b.label]) / 5 * 1000
        for command in ("ADD", "DEL"):
            if a.strace and command == "ADD":
                for b in builds:
                    b.start_strace(os.path.join(work, b.label + ".strace"))
            for i in range(a.n):
                order = builds[i % len(builds):] + builds[:i % len(builds)]
                for b in order:
                    b.call(command, i, True)
            for b in builds:
                b.stop_strace()
        print(f"{a.n} containers per build, {a.w} warm-up, one published {'UDP' if a.udp else 'TCP'} port each,"
              f" interleaved; load average {os.getloadavg()[0]:.1f} at the end")
        print(f"{'build':<12} {'ADD p50':>8} {'p90':>7} {'daemon':>7} {'cpu/ADD':>8}   {'DEL p50':>8} {'p90':>7}"
              f" {'daemon':>7} {'cpu/DEL':>8}   (ms)")
        for b in builds:
            b.rss = rss_mib(b.pid)
        for b in builds:
            m = metrics(b.sock)
            print(f"{b.label:<12} {pct(b.wall['ADD'], 50):8.1f} {pct(b.wall['ADD'], 90):7.1f} {m.get('add', 0):7.1f}"
                  f" {1000 * b.cpu['ADD'] / max(1, b.calls['ADD']):8.2f}   {pct(b.wall['DEL'], 50):8.1f}"
                  f" {pct(b.wall['DEL'], 90):7.1f} {m.get('del', 0):7.1f} {1000 * b.cpu['DEL'] / max(1, b.calls['DEL']):8.2f}"
                  f"   RSS {b.rss} MiB, idle {b.idle:.1f} ms CPU/s")
        if a.strace:
            for b in builds:
                print(f"\n== {b.label}: system calls of netmgrd over {a.n} ADDs (strace -f -c)")
                with open(os.path.join(work, b.label + ".strace")) as f:
                    print("".join(f.readlines()[:40]))
    finally:
        for b in builds:
            b.stop()
        if os.environ.get("KEEP") is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
