#!/usr/bin/env python3
"""run.py — the end-to-end bench (issue 9): our client against h2load, curl
and nghttp, side by side, on loopback servers started and stopped here.

    python3 bench/e2e/run.py --build build          (what `make bench-e2e` runs)
    python3 bench/e2e/run.py --build build --quick  (small sizes, one run)

Lines (each client runs --runs times, ours and theirs interleaved; the table
shows the best run for each metric on its own: highest req/s and MB/s,
lowest wall time, CPU and peak RSS):
  1. request rate, HTTP/2, nghttpd over TLS and over cleartext (prior
     knowledge), -c1 with -m1, -m10, -m100, a 64-octet file: hyper-bench
     against h2load with the same flags. req/s, and client CPU seconds
     (user+sys of the client process alone, from wait4's rusage) per 10k
     requests.
  2. request rate, HTTP/1.1, h2o over cleartext and TLS, one keep-alive
     connection, one request at a time: hyper-bench --h1 against ONE curl
     process fetching the same URL n times (a -K config; curl reports
     num_connects per transfer and the script checks it made exactly one
     connection), and against h2load --h1.
  3. bulk: a sparse file of --bulk-mib MiB (zeros) from nghttpd over TLS and
     over cleartext HTTP/2: hyper-bench -o /dev/null against curl --http2
     (--http2-prior-knowledge on cleartext) -o /dev/null, and nghttp -n.
     Nothing compresses it: nobody sends accept-encoding, nghttpd never
     encodes, TLS has no compression, and the byte count is checked. Wall
     s, MB/s, client CPU s, peak RSS.
Every tool runs with its defaults apart from the flags shown (stream
windows: h2load 2^30-1, curl 32 MiB, nghttp 64 KiB, ours 256 KiB).
Servers listen on 127.0.0.1 on free ports, are stopped by pid (their
process group) and the temporary folder is removed, whatever happens.
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
SMALL_BODY = b"hyper bench: a small response body of 64 octets, like an API.\n"
RUN_TIMEOUT = 90.0
TIME = "/usr/bin/time"   # GNU time 1.9 (Debian package `time`)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Servers:
    """Servers we started, each in its own process group; stop() signals
    exactly those groups."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def start(self, name, argv, *ports):
        logf = os.path.join(self.tmp, name + ".log")
        with open(logf, "wb") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                    start_new_session=True, cwd=self.tmp)
        self.procs.append((name, proc))
        end = time.monotonic() + 10
        todo = list(ports)
        while todo and time.monotonic() < end and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", todo[0]), timeout=0.5).close()
                todo.pop(0)
            except OSError:
                time.sleep(0.05)
        if todo:
            raise RuntimeError("%s did not start on port %d:\n%s"
                               % (name, todo[0], read(logf)[-2000:]))

    def stop(self):
        for _, proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for _, proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs = []


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def measure(argv, out_path, err_path, stdout_null=False):
    """Runs argv once; returns (exit code, wall s, user+sys s, peak RSS KiB)
    of the client. /usr/bin/time forks it: a process forked straight from
    this script would inherit Python's ~16 MiB RSS high-water mark across
    exec. Peak RSS is time's report of the client alone; CPU is wait4's
    rusage of time, which includes the client it waited for (microsecond
    resolution, where time prints 10 ms; time's own share is ~1 ms)."""
    out = open(os.devnull if stdout_null else out_path, "wb")
    err = open(err_path, "wb")
    tfile = err_path + ".time"
    t0 = time.monotonic()
    proc = subprocess.Popen([TIME, "-o", tfile, "-f", "%x %U %S %M"] + argv,
                            stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                            start_new_session=True)
    timer = threading.Timer(RUN_TIMEOUT, os.killpg, (proc.pid, signal.SIGKILL))
    timer.start()       # on timeout: time and the client it runs
    try:
        _, status, ru = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.close()
    err.close()
    f = read(tfile).split()
    if os.path.exists(tfile):
        os.unlink(tfile)
    try:
        rc, rss = int(f[-4]), int(f[-1])
    except (IndexError, ValueError):
        return proc.returncode or -1, wall, 0.0, 0
    return rc, wall, ru.ru_utime + ru.ru_stime, rss


# ---- each client's own report, checked ------------------------------------------

def check_ours(n, nbytes=None):
    def check(out, err):
        m = re.search(r"RESULT requests=(\d+) ok=(\d+) failed=(\d+) bytes=(\d+)", out)
        if not m:
            return "no RESULT line"
        if int(m.group(2)) != n or int(m.group(3)) != 0:
            return "ok=%s failed=%s of %d" % (m.group(2), m.group(3), n)
        if nbytes is not None and int(m.group(4)) != nbytes:
            return "got %s body octets, want %d" % (m.group(4), nbytes)
        return None
    return check


def check_h2load(n):
    def check(out, err):
        m = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded", out)
        if not m:
            return "no summary"
        return None if int(m.group(1)) == n else "%s succeeded of %d" % (m.group(1), n)
    return check


def check_curl_many(n):
    def check(out, err):
        lines = [l.split() for l in err.splitlines() if re.match(r"^\d{3} \d+$", l)]
        bad = sum(1 for l in lines if l[0] != "200")
        if len(lines) != n or bad:
            return "%d responses, %d not 200" % (len(lines), bad)
        conns = sum(int(l[1]) for l in lines)
        return None if conns == 1 else "%d connections, want 1 (keep-alive)" % conns
    return check


def check_curl_bulk(nbytes):
    def check(out, err):
        p = out.split()
        if len(p) != 3 or p[0] != "200" or p[1] != "2" or int(p[2]) != nbytes:
            return "curl reported %r (want 200, HTTP/2, %d octets)" % (out.strip(), nbytes)
        return None
    return check


def check_exit_only(out, err):
    return None


# ---- running lines -----------------------------------------------------------------

class Bench:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.rows = []        # dicts: section, case, tool, metrics
        self.failures = []
        self.seq = 0
        self.deadline = time.monotonic() + args.budget

    def one(self, case, name, argv, check, stdout_null):
        self.seq += 1
        out = os.path.join(self.tmp, "out%d.txt" % self.seq)
        errp = os.path.join(self.tmp, "err%d.txt" % self.seq)
        rc, wall, cpu, rss = measure(argv, out, errp, stdout_null)
        o, e = ("" if stdout_null else read(out)), read(errp)
        problem = ("exit %d" % rc) if rc != 0 else check(o, e)
        for p in (out, errp):
            if os.path.exists(p):
                os.unlink(p)
        if problem:
            self.failures.append("%s / %s: %s\n    %s\n    %s" % (
                case, name, problem, " ".join(argv), (o + e).strip()[-400:]))
            log("    %-7s FAILED: %s" % (name, problem))
            return None
        log("    %-7s %7.3fs wall %7.3fs cpu %7d KiB" % (name, wall, cpu, rss))
        return {"wall": wall, "cpu": cpu, "rss": rss}

    def line(self, section, case, tools, n=None, nbytes=None):
        """tools: (name, argv, check, stdout_null). Runs each --runs times,
        interleaved, and keeps the best of each metric."""
        log(case)
        best = {t[0]: None for t in tools}
        for run in range(self.args.runs):
            if run > 0 and time.monotonic() > self.deadline:
                log("    time budget (--budget %d s) spent: %d run(s) only"
                    % (self.args.budget, run))
                self.failures.append("%s: only %d run(s), time budget spent" % (case, run))
                break
            for name, argv, check, null in tools:
                m = self.one(case, name, argv, check, null)
                if m is None:
                    continue
                if n:
                    m["rate"] = n / m["wall"]
                    m["cpu10k"] = m["cpu"] / n * 10000
                if nbytes:
                    m["mbs"] = nbytes / m["wall"] / 1e6
                b = best[name]
                if b is None:
                    best[name] = m
                    continue
                for k, v in m.items():
                    b[k] = max(b[k], v) if k in ("rate", "mbs") else min(b[k], v)
        for name, *_ in tools:
            self.rows.append({"section": section, "case": case, "tool": name,
                              "metrics": best[name]})


def rate_h2(b, bench, ca, url, label):
    n = b.args.n
    tls = ["--cacert", ca] if url.startswith("https") else []
    for m in (1, 10, 100):
        flags = ["-n", str(n), "-c", "1", "-m", str(m)]
        b.line("rate", "h2 %s -c1 -m%d" % (label, m), [
            ("ours", [bench, "-q"] + flags + tls + [url], check_ours(n), False),
            ("h2load", ["h2load"] + flags + [url], check_h2load(n), False)], n=n)


def rate_h1(b, bench, ca, url, label):
    n = b.args.n_h1
    tls = ["--cacert", ca] if url.startswith("https") else []
    cfg = os.path.join(b.tmp, "curl-%s.cfg" % label)
    with open(cfg, "w") as f:
        f.write(('url = "%s"\n' % url) * n)
    # One curl process, n transfers over one kept-alive connection; bodies
    # to stdout (/dev/null), status and connection count to stderr.
    curl = ["curl", "-s", "--http1.1", "-w", "%{stderr}%{http_code} %{num_connects}\\n",
            "-K", cfg] + tls
    b.line("rate", "h1 %s -c1 -m1" % label, [
        ("ours", [bench, "-q", "--h1", "-n", str(n)] + tls + [url], check_ours(n), False),
        ("curl", curl, check_curl_many(n), True),
        ("h2load", ["h2load", "--h1", "-n", str(n), "-c", "1", "-m", "1", url],
         check_h2load(n), False)], n=n)


def bulk(b, bench, ca, url, label, nbytes):
    tls = url.startswith("https")
    w = ["-w", "%{http_code} %{http_version} %{size_download}"]
    curl = (["curl", "-s", "--http2", "--cacert", ca] if tls
            else ["curl", "-s", "--http2-prior-knowledge"]) + ["-o", "/dev/null"] + w + [url]
    ours = [bench, "-q", "-n", "1", "-o", "/dev/null"] + (["--cacert", ca] if tls else []) + [url]
    b.line("bulk", "bulk %s %d MiB" % (label, nbytes >> 20), [
        ("ours", ours, check_ours(1, nbytes), False),
        ("curl", curl, check_curl_bulk(nbytes), False),
        ("nghttp", ["nghttp", "-n", url], check_exit_only, False)], nbytes=nbytes)


# ---- the table ---------------------------------------------------------------------

RATE_METRICS = [("rate", "req/s", "%.0f"), ("cpu10k", "CPU s/10k req", "%.3f")]
BULK_METRICS = [("wall", "wall s", "%.2f"), ("mbs", "MB/s", "%.0f"),
                ("cpu", "CPU s", "%.3f"), ("rss", "peak RSS KiB", "%.0f")]


def table(rows):
    out = []
    head = "%-24s %-14s %10s  %-7s %10s  %s" % ("line", "metric", "ours", "vs", "theirs",
                                                "ours/theirs")
    out.append(head)
    out.append("-" * len(head))
    cases = []
    for r in rows:
        if r["case"] not in cases:
            cases.append(r["case"])
    for case in cases:
        mine = [r for r in rows if r["case"] == case]
        ours = next(r["metrics"] for r in mine if r["tool"] == "ours")
        metrics = RATE_METRICS if mine[0]["section"] == "rate" else BULK_METRICS
        for r in mine:
            if r["tool"] == "ours":
                continue
            for key, label, fmt in metrics:
                o = ours[key] if ours else None
                t = r["metrics"][key] if r["metrics"] else None
                ratio = "%.2f" % (o / t) if o is not None and t else "n/a"
                out.append("%-24s %-14s %10s  %-7s %10s  %s" % (
                    case, label, fmt % o if o is not None else "FAILED", r["tool"],
                    fmt % t if t is not None else "FAILED", ratio))
        out.append("")
    return "\n".join(out)


def get(rows, case, tool, key):
    for r in rows:
        if r["case"] == case and r["tool"] == tool and r["metrics"]:
            return r["metrics"][key]
    return None


def targets(rows, bulk_mib):
    out = ["Targets (issue 9):"]
    for label in ("TLS", "cleartext"):
        case = "h2 %s -c1 -m100" % label
        o, t = get(rows, case, "ours", "rate"), get(rows, case, "h2load", "rate")
        oc, tc = get(rows, case, "ours", "cpu10k"), get(rows, case, "h2load", "cpu10k")
        if None in (o, t, oc, tc):
            out.append("  %s: not measured" % case)
            continue
        ok = o >= 1.2 * t and oc < tc
        out.append("  %-28s req/s %.2fx h2load (want >= 1.2), CPU/req %.2fx (want < 1): %s"
                   % (case, o / t, oc / tc, "MET" if ok else "NOT MET"))
    for label in ("TLS", "cleartext"):
        case = "bulk %s %d MiB" % (label, bulk_mib)
        oc, tc = get(rows, case, "ours", "cpu"), get(rows, case, "curl", "cpu")
        ow, tw = get(rows, case, "ours", "wall"), get(rows, case, "curl", "wall")
        if None in (oc, tc, ow, tw):
            out.append("  %s: not measured" % case)
            continue
        ok = oc <= 0.7 * tc and ow <= tw
        out.append("  %-28s CPU %.2fx curl (want <= 0.7), wall %.2fx (want <= 1): %s"
                   % (case, oc / tc, ow / tw, "MET" if ok else "NOT MET"))
    return "\n".join(out)


# ---- setup -------------------------------------------------------------------------

def need_tools():
    missing = [t for t in ("nghttpd", "h2load", "nghttp", "curl", "h2o", "openssl", TIME)
               if not shutil.which(t)]
    if missing:
        sys.exit("bench-e2e: missing %s (Debian: nghttp2-server nghttp2-client curl h2o)"
                 % ", ".join(missing))
    v = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout
    if not re.search(r"^Features:.*\bHTTP2\b", v, re.M):
        sys.exit("bench-e2e: this curl has no HTTP2 feature")


def h2o_config(tmp, www, certs, p_clear, p_tls):
    path = os.path.join(tmp, "h2o.conf")
    user = "user: nobody\n" if os.geteuid() == 0 else ""
    with open(path, "w") as f:
        f.write("""listen:
  host: 127.0.0.1
  port: %d
listen:
  host: 127.0.0.1
  port: %d
  ssl:
    certificate-file: %s/server.crt
    key-file: %s/server.key
    ocsp-update-interval: 0
%snum-threads: 1
access-log: /dev/null
hosts:
  default:
    paths:
      /:
        file.dir: %s
""" % (p_clear, p_tls, certs, certs, user, www))
    return path


def start_servers(srv, tmp, www, certs):
    ports = {k: free_port() for k in ("h2tls", "h2clr", "h1clr", "h1tls")}
    key, crt = os.path.join(certs, "server.key"), os.path.join(certs, "server.crt")
    srv.start("nghttpd-tls", ["nghttpd", "-d", www, str(ports["h2tls"]), key, crt],
              ports["h2tls"])
    srv.start("nghttpd-clear", ["nghttpd", "--no-tls", "-d", www, str(ports["h2clr"])],
              ports["h2clr"])
    conf = h2o_config(tmp, www, certs, ports["h1clr"], ports["h1tls"])
    srv.start("h2o", ["h2o", "-c", conf], ports["h1clr"], ports["h1tls"])
    return ports


def main():
    ap = argparse.ArgumentParser(description="end-to-end bench: hyper-bench against "
                                 "h2load, curl and nghttp on loopback")
    ap.add_argument("--build", default="build", help="folder holding hyper-bench")
    ap.add_argument("--runs", type=int, default=3, help="runs per client and line (best kept)")
    ap.add_argument("-n", type=int, default=50000, help="requests per HTTP/2 rate run")
    ap.add_argument("--n-h1", type=int, default=20000, help="requests per HTTP/1.1 rate run")
    ap.add_argument("--bulk-mib", type=int, default=1024, help="bulk body size")
    ap.add_argument("--budget", type=int, default=360,
                    help="seconds; past it each line gets one run only")
    ap.add_argument("--quick", action="store_true", help="n=1000, 64 MiB, one run")
    ap.add_argument("--only", default="h2,h1,bulk", help="comma list of h2, h1, bulk")
    ap.add_argument("--json", help="also write the raw results to this file")
    a = ap.parse_args()
    if a.quick:
        a.n, a.n_h1, a.bulk_mib, a.runs = 1000, 500, 64, 1
    only = set(a.only.split(","))
    need_tools()
    bench = os.path.join(ROOT if not os.path.isabs(a.build) else "", a.build, "hyper-bench")
    if not os.access(bench, os.X_OK):
        sys.exit("bench-e2e: %s not built (make BUILD=%s %s)" % (bench, a.build, bench))

    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="hyper-bench-e2e-")
    os.chmod(tmp, 0o755)      # h2o drops to `nobody` when run as root
    srv = Servers(tmp)
    old = {s: signal.signal(s, lambda *_: sys.exit(130)) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        certs, www = os.path.join(tmp, "certs"), os.path.join(tmp, "www")
        subprocess.run(["sh", os.path.join(ROOT, "test/peers/make-certs.sh"), certs], check=True)
        os.mkdir(www)
        os.chmod(www, 0o755)
        with open(os.path.join(www, "small"), "wb") as f:
            f.write(SMALL_BODY)
        nbytes = a.bulk_mib << 20
        if "bulk" in only:
            with open(os.path.join(www, "big"), "wb") as f:
                f.truncate(nbytes)      # sparse: no disk, reads as zeros
        for p in os.listdir(www):
            os.chmod(os.path.join(www, p), 0o644)
        ports = start_servers(srv, tmp, www, certs)
        ca = os.path.join(certs, "ca.crt")
        b = Bench(a, tmp)
        log("hyper-bench e2e: %d run(s) per client per line, best kept; n=%d (h2), %d (h1), "
            "bulk %d MiB; load average %s" % (a.runs, a.n, a.n_h1, a.bulk_mib,
                                              " ".join(open("/proc/loadavg").read().split()[:3])))
        h2tls = "https://127.0.0.1:%d" % ports["h2tls"]
        h2clr = "http://127.0.0.1:%d" % ports["h2clr"]
        if "h2" in only:
            rate_h2(b, bench, ca, h2tls + "/small", "TLS")
            rate_h2(b, bench, ca, h2clr + "/small", "cleartext")
        if "h1" in only:
            rate_h1(b, bench, ca, "http://127.0.0.1:%d/small" % ports["h1clr"], "cleartext")
            rate_h1(b, bench, ca, "https://127.0.0.1:%d/small" % ports["h1tls"], "TLS")
        if "bulk" in only:
            bulk(b, bench, ca, h2tls + "/big", "TLS", nbytes)
            bulk(b, bench, ca, h2clr + "/big", "cleartext", nbytes)
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        for s, h in old.items():
            signal.signal(s, h)

    print()
    print("hyper-bench end to end, best of %d run(s) per metric; client CPU = user+sys of the "
          "client process (wait4)" % a.runs)
    print("h2 lines: nghttpd; h1 lines: h2o (keep-alive, one connection); bulk: nghttpd, "
          "%d MiB of zeros, -o /dev/null" % a.bulk_mib)
    print()
    print(table(b.rows))
    print(targets(b.rows, a.bulk_mib))
    print("total %.0f s" % (time.monotonic() - t_start))
    if b.failures:
        print("\nFAILED runs:")
        print("\n".join(b.failures))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"runs": a.runs, "rows": b.rows, "failures": b.failures}, f, indent=1)
    return 1 if b.failures else 0


if __name__ == "__main__":
    sys.exit(main())
