#!/usr/bin/env python3
"""Idle keep-alive connection test (stdlib only).

Opens --count keep-alive TCP connections to --host:--port, sends one complete request on each and
reads the whole response (so every connection is a real, used keep-alive connection, now idle),
keeps them all open, prints the server's memory (VmRSS / VmHWM of every --pid, summed), checks that
a fresh connection still gets a 200 and how long it takes, counts how many idle connections the
server has kept open, then closes everything.

    python3 bench/idle-connections.py --port 8081 --pid 1234 [--pid 1235] [--count 10000]

Human-readable lines go to stdout; the last line is `RESULT {json}` for scripts.
"""
import argparse
import json
import os
import resource
import select
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return soft
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if target < needed:
        try:  # root may raise the hard limit too (needs CAP_SYS_RESOURCE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return needed
        except (ValueError, OSError):
            pass
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def memory_kib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])  # kB
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def read_response(sock, deadline):
    """Reads one HTTP/1.1 response with Content-Length; returns (status, keep_alive)."""
    data = b""
    while b"\r\n\r\n" not in data:
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    keep_alive = True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
    while len(body) < length:
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the middle of the body")
        body += chunk
    return status, keep_alive


def open_batch(host, port, size, timeout):
    """Connects `size` sockets, sends a request on each, reads every response. Returns (open sockets, failures)."""
    socks, failures = [], {}

    def fail(reason, sock):
        failures[reason] = failures.get(reason, 0) + 1
        sock.close()

    pending = []
    for _ in range(size):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(timeout)
        try:
            sock.connect((host, port))
            sock.sendall(REQUEST)
        except OSError as error:
            fail(f"connect/send: {error.strerror or error}", sock)
            continue
        pending.append(sock)
    deadline = time.monotonic() + timeout
    for sock in pending:
        try:
            status, keep_alive = read_response(sock, deadline)
        except (OSError, ValueError, IndexError) as error:
            fail(f"response: {error}", sock)
            continue
        if status != 200:
            fail(f"status {status}", sock)
        elif not keep_alive:
            fail("Connection: close", sock)
        else:
            socks.append(sock)
    return socks, failures


def still_open(socks):
    """Counts sockets the server has not closed: an idle, open connection is not readable."""
    poller = select.poll()
    events = select.POLLIN | getattr(select, "POLLRDHUP", 0)
    for sock in socks:
        poller.register(sock.fileno(), events)
    closed = len(poller.poll(0))
    return len(socks) - closed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", action="append", required=True,
                        help="server process id whose memory to report (repeat or comma-separate to sum)")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500, help="connections opened per batch (default 500)")
    parser.add_argument("--pause", type=float, default=0.005, help="seconds between batches")
    parser.add_argument("--hold", type=float, default=0.5, help="seconds to hold before measuring")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("only loopback targets are allowed")
    pids = [int(p) for item in args.pid for p in item.split(",") if p]

    limit = raise_nofile(args.count + 256)
    if limit < args.count + 16:
        print(f"RLIMIT_NOFILE is {limit}, too low for {args.count} connections", file=sys.stderr)
        return 2

    def total_memory():
        rss = hwm = 0
        for pid in pids:
            r, h = memory_kib(pid)
            rss, hwm = rss + r, hwm + h
        return rss, hwm

    base_rss, base_hwm = total_memory()
    print(f"server pid(s) {','.join(map(str, pids))}: before  VmRSS {base_rss / 1024:.1f} MiB  VmHWM {base_hwm / 1024:.1f} MiB")

    socks, failures = [], {}
    started = time.monotonic()
    while len(socks) < args.count:
        size = min(args.batch, args.count - len(socks))
        batch, batch_failures = open_batch(args.host, args.port, size, args.timeout)
        socks += batch
        for reason, n in batch_failures.items():
            failures[reason] = failures.get(reason, 0) + n
        if sum(failures.values()) > max(100, args.count // 10):
            break  # the server is refusing: do not hammer it
        time.sleep(args.pause)
    open_seconds = time.monotonic() - started
    print(f"opened and used {len(socks)}/{args.count} keep-alive connections in {open_seconds:.1f}s"
          + (f"; failures: {failures}" if failures else ""))

    time.sleep(args.hold)
    rss, hwm = total_memory()
    per_conn = (rss - base_rss) / len(socks) if socks else 0.0
    print(f"with {len(socks)} idle connections: VmRSS {rss / 1024:.1f} MiB  VmHWM {hwm / 1024:.1f} MiB  "
          f"(+{(rss - base_rss) / 1024:.1f} MiB, {per_conn:.2f} KiB/connection)")

    fresh_status, fresh_error, fresh_us = None, None, None
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t0 = time.perf_counter()
    try:
        sock.settimeout(args.timeout)
        sock.connect((args.host, args.port))
        sock.sendall(REQUEST)
        fresh_status, _ = read_response(sock, time.monotonic() + args.timeout)
        fresh_us = (time.perf_counter() - t0) * 1e6
    except (OSError, ValueError, IndexError) as error:
        fresh_error = str(error)
    finally:
        sock.close()
    if fresh_status is not None:
        print(f"fresh connection: HTTP {fresh_status} in {fresh_us:.0f} us (connect + request + response)")
    else:
        print(f"fresh connection: FAILED ({fresh_error})")

    alive = still_open(socks)
    print(f"idle connections still open after the test: {alive}/{len(socks)}")

    for s in socks:
        s.close()

    result = {
        "pids": pids, "count": args.count, "opened": len(socks), "failures": failures,
        "open_seconds": round(open_seconds, 2),
        "baseline_rss_kib": base_rss, "baseline_hwm_kib": base_hwm,
        "rss_kib": rss, "hwm_kib": hwm, "per_connection_kib": round(per_conn, 3),
        "fresh_status": fresh_status, "fresh_latency_us": round(fresh_us) if fresh_us else None,
        "fresh_error": fresh_error, "still_open": alive,
    }
    print("RESULT " + json.dumps(result))
    return 0 if len(socks) == args.count and fresh_status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
