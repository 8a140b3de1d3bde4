#!/usr/bin/env python3
"""run.py — the end-to-end bench (issue 9): our client against h2load, curl
and nghttp, side by side, on loopback servers started and stopped here.

    python3 bench/e2e/run.py --build build        (what `make bench-e2e` runs)
    python3 bench/e2e/run.py --build build --quick  (small sizes, one run)

Lines measured (each client run --runs times, interleaved ours/theirs; the
table shows the best of the runs for each metric on its own: highest req/s,
lowest wall time, lowest CPU, lowest peak RSS):
  1. request rate, HTTP/2, nghttpd over TLS and cleartext (prior knowledge),
     -c1 with -m1, -m10, -m100, a small file: hyper-bench against h2load
     with the same flags. req/s, and client CPU seconds (user+sys of the
     client process, from wait4's rusage) per 10k requests.
  2. request rate, HTTP/1.1, h2o (cleartext and TLS), one keep-alive
     connection, one request at a time: hyper-bench --h1 against one curl
     process fetching the same URL n times (a -K config; curl reports
     num_connects per transfer and the script checks it reused one
     connection), and against h2load --h1.
  3. bulk: a sparse file of --bulk-mib MiB (zeros; nothing on the path
     compresses: no accept-encoding is sent, nghttpd never encodes, and the
     byte count is checked) over TLS and cleartext HTTP/2 from nghttpd:
     hyper-bench -o /dev/null against curl --http2 (--http2-prior-knowledge
     on cleartext) -o /dev/null, and nghttp -n. Wall s, MB/s, client CPU s,
     peak RSS.
Every tool runs with its own defaults apart from the flags shown (h2load's
window is 2^30-1, curl's 32 MiB, nghttp's 64 KiB, ours 256 KiB per stream).
Servers listen on 127.0.0.1 on free ports; everything is stopped by pid and
the temporary folder removed, whatever happens.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SMALL_BODY = b"hyper bench: a small response body of 64 octets, as a JSON API.\n"
RUN_TIMEOUT = 90.0


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Servers:
    """Servers started by pid; stop() ends each one it started."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def start(self, name, argv, port):
        err = open(os.path.join(self.tmp, name + ".log"), "wb")
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                start_new_session=True)
        self.procs.append((name, proc))
        if not wait_port(port, proc):
            err.close()
            with open(os.path.join(self.tmp, name + ".log"), "rb") as f:
                tail = f.read()[-2000:].decode(errors="replace")
            raise RuntimeError("%s did not start on port %d:\n%s" % (name, port, tail))
        return port

    def stop(self):
        for name, proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []


def measure(argv, out_path, timeout=RUN_TIMEOUT, stderr_path=None):
    """Runs argv; returns (rc, wall s, user+sys s, peak RSS KiB), the
    child's own rusage (wait4), output in out_path."""
    out = open(out_path, "wb")
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, ru = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.close()
    if stderr_path:
        err.close()
    return proc.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def read(path):
    with open(path, "rb") as f:
        return f.read().decode(errors="replace")


# ---- checks of each client's own report -------------------------------------------

def check_ours(text, n, nbytes=None):
    m = re.search(r"RESULT requests=(\d+) ok=(\d+) failed=(\d+) bytes=(\d+)", text)
    if not m:
        return "no RESULT line"
    if int(m.group(2)) != n or int(m.group(3)) != 0:
        return "ok=%s failed=%s of %d" % (m.group(2), m.group(3), n)
    if nbytes is not None and int(m.group(4)) != nbytes:
        return "got %s bytes, want %d" % (m.group(4), nbytes)
    return None


def check_h2load(text, n):
    m = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed",
                  text)
    if not m:
        return "no summary"
    if int(m.group(1)) != n:
        return "%s succeeded of %d" % (m.group(1), n)
    return None


def check_curl_many(text, n):
    lines = [l.split() for l in text.splitlines() if l.strip()]
    codes = [l[0] for l in lines]
    connects = sum(int(l[1]) for l in lines if len(l) > 1)
    if len(lines) != n or any(c != "200" for c in codes):
        return "%d responses, %d not 200" % (len(lines), sum(c != "200" for c in codes))
    if connects != 1:
        return "%d connections, want 1 (keep-alive)" % connects
    return None


def check_curl_bulk(text, nbytes):
    parts = text.split()
    if len(parts) < 3 or parts[0] != "200" or parts[1] != "2" or int(parts[2]) != nbytes:
        return "curl reported %r" % text.strip()
    return None


# ---- the lines --------------------------------------------------------------------

class Bench:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.results = []      # (section, case, tool, metrics dict)
        self.failures = []
        self.seq = 0

    def run_best(self, section, case, tools):
        """tools: list of (name, argv, check(text) -> None|error, n requests or
        None, nbytes or None). Runs them interleaved; records the best."""
        best = {name: None for name, *_ in tools}
        for i in range(self.args.runs):
            for name, argv, check, n, nbytes in tools:
                self.seq += 1
                out = os.path.join(self.tmp, "out%d.txt" % self.seq)
                errp = os.path.join(self.tmp, "err%d.txt" % self.seq)
                rc, wall, cpu, rss = measure(argv, out, stderr_path=errp)
                text = read(out) + read(errp)
                problem = "exit %d" % rc if rc != 0 else check(text)
                if problem:
                    self.failures.append("%s %s %s run %d: %s\n  %s\n  %s" % (
                        section, case, name, i + 1, problem, " ".join(argv),
                        text.strip()[-600:]))
                    log("  %-8s run %d FAILED: %s" % (name, i + 1, problem))
                    continue
                m = {"wall": wall, "cpu": cpu, "rss": rss}
                if n:
                    m["rate"] = n / wall
                    m["cpu10k"] = cpu / n * 10000
                if nbytes:
                    m["mbs"] = nbytes / wall / 1e6
                log("  %-8s run %d: %.3fs wall, %.3fs cpu, %d KiB rss" % (
                    name, i + 1, wall, cpu, rss))
                b = best[name]
                if b is None:
                    best[name] = dict(m)
                else:
                    for k, v in m.items():
                        b[k] = max(b[k], v) if k in ("rate", "mbs") else min(b[k], v)
        for name, *_ in tools:
            self.results.append((section, case, name, best[name]))


def tool_argvs(a, ports, certs, www, build):
    bench = os.path.join(build, "hyper-bench")
    ca = os.path.join(certs, "ca.crt")
    tls_small = "https://127.0.0.1:%d/small" % ports["h2tls"]
    clr_small = "http://127.0.0.1:%d/small" % ports["h2clr"]
    return bench, ca, tls_small, clr_small


def rate_h2(b, bench, ca, url, label):
    n = b.args.n
    for m in (1, 10, 100):
        flags = ["-n", str(n), "-c", "1", "-m", str(m)]
        case = "h2 %s -c1 -m%d" % (label, m)
        log("%s (n=%d)" % (case, n))
        ours = [bench, "-q"] + flags + (["--cacert", ca] if url.startswith("https") else []) + [url]
        theirs = ["h2load"] + flags + [url]
        b.run_best("rate", case, [
            ("ours", ours, lambda t, n=n: check_ours(t, n), n, None),
            ("h2load", theirs, lambda t, n=n: check_h2load(t, n), n, None)])


def rate_h1(b, bench, ca, url, label):
    n = b.args.n_h1
    cfg = os.path.join(b.tmp, "curl-%s.cfg" % label)
    with open(cfg, "w") as f:
        f.write('url = "%s"\n' % url * n)
    tls = url.startswith("https")
    case = "h1 %s -c1 -m1" % label
    log("%s (n=%d)" % (case, n))
    ours = [bench, "-q", "--h1", "-n", str(n)] + (["--cacert", ca] if tls else []) + [url]
    # Bodies to stdout (-> /dev/null is not possible with -w on stdout, so
    # -w goes to stderr with %{stderr}); one process, one connection.
    curl = ["curl", "-s", "--http1.1", "-o", "/dev/null", "-w",
            "%{stderr}%{http_code} %{num_connects}\\n", "-K", cfg]
    # -o applies to the first URL only: bodies of the rest go to stdout,
    # which measure() sends to a file. Use --output-dir-free form instead:
    curl = ["curl", "-s", "--http1.1", "-w", "%{stderr}%{http_code} %{num_connects}\\n",
            "-K", cfg] + (["--cacert", ca] if tls else [])
    h2load = ["h2load", "--h1", "-n", str(n), "-c", "1", "-m", "1", url]
    b.run_best("rate", case, [
        ("ours", ours, lambda t: check_ours(t, n), n, None),
        ("curl", curl, None, n, None),
        ("h2load", h2load, lambda t: check_h2load(t, n), n, None)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-n", type=int, default=10000, help="requests per HTTP/2 rate run")
    ap.add_argument("--n-h1", type=int, default=5000, help="requests per HTTP/1.1 rate run")
    ap.add_argument("--bulk-mib", type=int, default=1024)
    ap.add_argument("--quick", action="store_true", help="n=1000, 64 MiB, one run")
    ap.add_argument("--only", default="", help="comma list of: h2, h1, bulk")
    ap.add_argument("--json", help="also write the results here")
    a = ap.parse_args()
    if a.quick:
        a.n, a.n_h1, a.bulk_mib, a.runs = 1000, 500, 64, 1
    print("not yet")


if __name__ == "__main__":
    main()
