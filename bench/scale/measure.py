#!/usr/bin/env python3
"""Latency client for bench/scale-bench.sh (issue 11): keep-alive HTTP/1.1 over loopback, Basic auth, stdlib only.

  measure.py lists --port P --auth "Basic ..." --out lists.json    every list shape at page 1, the middle and the last page
  measure.py get --port P --auth ... --lists lists.json --out get.json   GET /customers/<id> alone, then beside 8 clients
                                                                   looping the slowest customers list request of lists.json
  measure.py report --size N --orders M --seed-line ... FILES...   one size's Markdown section from the JSON files

Every response must be 200: the first other status stops the run (exit 1) with its body. Each (shape, page) gets up
to REQUESTS sequential requests on one connection, fewer when they take longer than BUDGET seconds of wall time
in all (the count measured is reported). Search terms and dates are chosen from the store itself, so they hold for
any seed: a digit run of ~20 matches, a name prefix of the middle customer, its exact email, date bounds a quarter
into the registrations and a window of ~1 % of them.
"""
import argparse
import calendar
import http.client
import json
import math
import random
import sys
import threading
import time
import urllib.parse

API = "/wc-api/v2"


class Failure(Exception):
    pass


class Client:
    def __init__(self, port, auth, timeout):
        self.port, self.auth, self.timeout = port, auth, timeout
        self.connection = None

    def get(self, path):
        """(status, headers, body bytes, seconds) of one GET, reconnecting once if the server closed the connection."""
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.connection.request("GET", API + path, headers={"Authorization": self.auth})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, response, body, elapsed
        raise Failure("unreachable")

    def ok(self, path):
        status, response, body, elapsed = self.get(path)
        if status != 200:
            raise Failure(f"GET {API}{path} answered {status}: {body[:2000].decode('utf-8', 'replace')}")
        return response, body, elapsed

    def json(self, path):
        response, body, _ = self.ok(path)
        return response, json.loads(body)


def percentile(values, fraction):
    """Nearest-rank percentile (p99 of fewer than 100 samples is the maximum)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def measure(client, path, requests, budget):
    """Up to `requests` sequential GETs of `path`, stopping once `budget` seconds have passed; returns figures."""
    times = []
    total = None
    started = time.perf_counter()
    while len(times) < requests:
        response, _, elapsed = client.ok(path)
        times.append(elapsed * 1000)
        total = response.getheader("X-WC-Total", total)
        if time.perf_counter() - started > budget:
            break
    return {"n": len(times), "p50": percentile(times, 0.50), "p99": percentile(times, 0.99), "max": max(times),
            "total": int(total) if total is not None else None}


def query(params):
    return "&".join(f"{urllib.parse.quote(k, safe='[]')}={urllib.parse.quote(str(v), safe='*@')}" for k, v in params)


def iso(timestamp):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def parse_time(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def discover(client):
    """What the shapes need, read from the store through the API."""
    _, count = client.json("/customers/count")
    customers = count["count"]
    if customers == 0:
        raise Failure("the store has no customers")
    _, oldest = client.json("/customers?" + query([("filter[limit]", 1)]))
    _, newest = client.json("/customers?" + query([("filter[limit]", 1), ("filter[order]", "DESC")]))
    first, last = parse_time(oldest["customers"][0]["created_at"]), parse_time(newest["customers"][0]["created_at"])
    span = max(last - first, 1)
    _, middle = client.json("/customers?" + query([("filter[limit]", 1), ("page", customers // 2 + 1)]))
    someone = middle["customers"][0]
    username, email = someone["username"], someone["email"]
    # A name prefix plus the first two digits of its number (james.smith12*): about customers/(names × 10) matches.
    stem = username.rstrip("0123456789")
    digits = username[len(stem):]
    prefix = stem + digits[:2] if digits else username[: max(1, len(username) // 2)]
    # A digit run of ~20 matches: ids have len(str(customers)) digits, a run one or two shorter than that.
    run = "123456789"[: max(1, len(str(customers)) - 2)]
    broad = "123456789"[: max(1, len(run) - 2)]
    _, by_id = client.json("/customers?" + query([("filter[limit]", 1), ("filter[orderby]", "ID")]))
    _, by_id_desc = client.json("/customers?" + query([("filter[limit]", 1), ("filter[orderby]", "ID"), ("filter[order]", "DESC")]))
    _, orders = client.json("/orders?" + query([("filter[limit]", 50)]))
    buyer = next((o["customer_id"] for o in orders["orders"] if o.get("customer_id")), None)
    _, oldest_order = client.json("/orders?" + query([("filter[limit]", 1), ("filter[order]", "ASC")]))
    order_times = [parse_time(o["created_at"]) for o in orders["orders"] + oldest_order["orders"]]
    return {
        "customers": customers, "first": first, "last": last, "quarter": first + span // 4,
        "window_end": first + span // 4 + span // 100, "username": username, "email": email, "prefix": prefix,
        "run": run, "broad": broad, "min_id": by_id["customers"][0]["id"], "max_id": by_id_desc["customers"][0]["id"],
        "buyer": buyer, "order_quarter": (min(order_times) + (max(order_times) - min(order_times)) // 4) if order_times else first,
    }


def shapes(d):
    """(group, name, path, paged) of every measured shape."""
    L = ("filter[limit]", 10)
    q = iso(d["quarter"])
    out = [
        ("customers", "default", [L], True),
        ("customers", "order=DESC", [L, ("filter[order]", "DESC")], True),
        ("customers", "orderby=email ASC", [L, ("filter[orderby]", "email"), ("filter[order]", "ASC")], True),
        ("customers", "orderby=email DESC", [L, ("filter[orderby]", "email"), ("filter[order]", "DESC")], True),
        ("customers", "orderby=display_name ASC", [L, ("filter[orderby]", "display_name"), ("filter[order]", "ASC")], True),
        ("customers", "orderby=display_name DESC", [L, ("filter[orderby]", "display_name"), ("filter[order]", "DESC")], True),
        ("customers", "orderby=ID DESC", [L, ("filter[orderby]", "ID"), ("filter[order]", "DESC")], True),
        ("customers", "orderby=registered DESC", [L, ("filter[orderby]", "registered"), ("filter[order]", "DESC")], True),
        ("customers", f"created_at_min={q}", [L, ("filter[created_at_min]", q)], True),
        ("customers", "created_at window (~1 %)", [L, ("filter[created_at_min]", q), ("filter[created_at_max]", iso(d["window_end"]))], True),
        ("customers", f"q=*{d['run']}*", [L, ("filter[q]", f"*{d['run']}*")], True),
        ("customers", f"q={d['prefix']}*", [L, ("filter[q]", d["prefix"] + "*")], True),
        ("customers", "q=<exact email>", [L, ("filter[q]", d["email"])], True),
        ("customers", "role=customer", [L, ("filter[role]", "customer")], True),
        ("customers", "orderby=email + created_at_min", [L, ("filter[orderby]", "email"), ("filter[created_at_min]", q)], True),
        ("customers", f"q=*{d['broad']}* orderby=email", [L, ("filter[q]", f"*{d['broad']}*"), ("filter[orderby]", "email")], True),
        ("customers", "q=*smith* (non-selective)", [L, ("filter[q]", "*smith*")], True),
    ]
    out = [(g, n, "/customers?" + query(p), paged) for g, n, p, paged in out]
    out.append(("customers", "/customers/count + created_at_min", "/customers/count?" + query([("filter[created_at_min]", q)]), False))
    oq = iso(d["order_quarter"])
    orders = [
        ("default", [L]), ("status=completed", [L, ("status", "completed")]), ("status=processing", [L, ("status", "processing")]),
        ("orderby=id ASC", [L, ("filter[orderby]", "id"), ("filter[order]", "ASC")]),
        (f"created_at_min={oq}", [L, ("filter[created_at_min]", oq)]),
        ("orderby=modified DESC", [L, ("filter[orderby]", "modified")]),
        (f"updated_at_min={oq}", [L, ("filter[updated_at_min]", oq)]),
        ("orderby=modified + created_at_min", [L, ("filter[orderby]", "modified"), ("filter[created_at_min]", oq)]),
        ("orderby=id + created_at_min + status=completed", [L, ("filter[orderby]", "id"), ("filter[created_at_min]", oq),
                                                            ("status", "completed")]),
    ]
    out += [("orders", n, "/orders?" + query(p), True) for n, p in orders]
    out.append(("orders", "/orders/count", "/orders/count", False))
    if d["buyer"]:
        out.append(("orders", "/customers/<id>/orders", f"/customers/{d['buyer']}/orders", False))
    out += [
        ("products", "default", "/products?" + query([L]), True),
        ("products", "orderby=title", "/products?" + query([L, ("filter[orderby]", "title"), ("filter[order]", "ASC")]), True),
        ("products", "/products/count", "/products/count", False),
    ]
    return out


def run_lists(args):
    client = Client(args.port, args.auth, args.timeout)
    d = discover(client)
    results = []
    for group, name, path, paged in shapes(d):
        first = measure(client, path, args.requests, args.budget)
        rows = [("1", path, first)]
        if paged and first["total"]:
            pages = max(1, math.ceil(first["total"] / 10))
            for label, page in (("middle", pages // 2 + 1), ("last", pages)):
                if page > 1:
                    paged_path = f"{path}&page={page}"
                    rows.append((f"{label} ({page})", paged_path, measure(client, paged_path, args.requests, args.budget)))
        for page, full, figures in rows:
            results.append({"group": group, "shape": name, "page": page, "path": full, **figures})
            print(f"[scale-bench]   {group:9} {name:38} page {page:>12}: p50 {figures['p50']:8.2f} ms  p99 "
                  f"{figures['p99']:8.2f} ms  n={figures['n']:3}  total={figures['total']}", file=sys.stderr, flush=True)
    # The most expensive customers list request (highest p50): the concurrent load of the `get` run.
    worst = max((r for r in results if r["group"] == "customers" and r["path"].startswith("/customers?")), key=lambda r: r["p50"])
    json.dump({"discovered": d, "results": results, "worst": worst}, open(args.out, "w"), indent=1)


def run_get(args):
    d = json.load(open(args.lists))["discovered"]
    worst = json.load(open(args.lists))["worst"]
    client = Client(args.port, args.auth, args.timeout)
    rng = random.Random()
    ids = []
    while len(ids) < 100:  # ids that exist (a store may have gaps)
        candidate = rng.randint(d["min_id"], d["max_id"])
        status, _, _, _ = client.get(f"/customers/{candidate}")
        if status == 200:
            ids.append(candidate)
        elif status != 404:
            raise Failure(f"GET /customers/{candidate} answered {status}")

    def sample(count):
        """GETs of random ids; one left unanswered past TIMEOUT counts as TIMEOUT (a blocked loop is the finding)."""
        times = []
        timeouts = 0
        started = time.perf_counter()
        while len(times) < count and time.perf_counter() - started < args.get_budget:
            try:
                _, _, elapsed = client.ok(f"/customers/{rng.choice(ids)}")
            except TimeoutError:
                timeouts += 1
                elapsed = args.timeout
                client.connection.close()
                client.connection = None
            times.append(elapsed * 1000)
        return {"n": len(times), "p50": percentile(times, 0.5), "p99": percentile(times, 0.99), "max": max(times),
                "timeouts": timeouts}

    alone = sample(args.get_requests)
    stop = threading.Event()
    load_counts = []
    errors = []

    def loader():
        # Each load request may wait for the other clients' ones on the single loop: a longer timeout.
        loop_client = Client(args.port, args.auth, args.timeout * (args.clients + 2))
        done = 0
        try:
            while not stop.is_set():
                loop_client.ok(worst["path"])
                done += 1
        except Exception as error:  # reported after the run
            errors.append(str(error))
        load_counts.append(done)

    threads = [threading.Thread(target=loader, daemon=True) for _ in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    loaded = sample(args.get_requests)
    stop.set()
    for thread in threads:
        thread.join(args.timeout * (args.clients + 2) + 5)
    elapsed = time.perf_counter() - started
    if errors:
        raise Failure("load client failed: " + errors[0])
    json.dump({"alone": alone, "loaded": loaded, "load_path": worst["path"], "load_shape": f"{worst['shape']} page {worst['page']}",
               "load_requests": sum(load_counts), "load_seconds": elapsed, "clients": args.clients},
              open(args.out, "w"), indent=1)


def run_report(args):
    lists = json.load(open(args.lists))
    get = json.load(open(args.get)) if args.get else None
    create = json.load(open(args.create)) if args.create else None
    d = lists["discovered"]
    p = print
    p(f"\n## {args.size:,} customers, {args.orders:,} orders\n")
    p(f"- Seed: {args.seed_line}")
    p(f"- Store: {args.store_mb:.1f} MB (main file + -wal); registrations {iso(d['first'])} … {iso(d['last'])}; "
      f"search terms from the store: `*{d['run']}*`, `{d['prefix']}*`, `{d['email']}`")
    p(f"- Lists and counts: server with default threads; up to {args.requests} sequential keep-alive requests per row, "
      f"fewer when a row passed {args.budget:g} s of wall time (n)\n")
    for group in ("customers", "orders", "products"):
        p(f"\n| {group} shape | page | X-WC-Total | p50 ms | p99 ms | n |")
        p("|---|---|---:|---:|---:|---:|")
        for r in lists["results"]:
            if r["group"] == group:
                total = "" if r["total"] is None else f"{r['total']:,}"
                p(f"| {r['shape']} | {r['page']} | {total} | {r['p50']:.2f} | {r['p99']:.2f} | {r['n']} |")
    if get:
        rate = get["load_requests"] / get["load_seconds"] if get["load_seconds"] else 0
        p(f"\nGET `/customers/<id>` (random existing ids; up to {args.get_requests} requests or {args.get_budget:g} s each), "
          f"server `--threads 1` so every client shares one event loop:\n")
        p(f"| condition | p50 ms | p99 ms | max ms | n | unanswered in {args.timeout:g} s |")
        p("|---|---:|---:|---:|---:|---:|")
        for label, row in (("alone", get["alone"]), (f"beside {get['clients']} clients looping `{get['load_shape']}`", get["loaded"])):
            p(f"| {label} | {row['p50']:.2f} | {row['p99']:.2f} | {row['max']:.2f} | {row['n']} | {row.get('timeouts', 0)} |")
        p(f"\n(the {get['clients']} load clients completed {get['load_requests']:,} requests of `{get['load_path']}` "
          f"in {get['load_seconds']:.1f} s, {rate:.1f}/s; goal: p99 < 5 ms)")
    if create:
        p(f"\nCreate throughput (POST /customers, `wrk -t1 -c{create['connections']} -d{create['seconds']}s` "
          f"bench/api/create.lua, default threads, on a copy of the store): **{create['rps']:.0f} req/s**, "
          f"statuses {create['statuses']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["lists", "get", "report"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--auth")
    parser.add_argument("--out")
    parser.add_argument("--lists")
    parser.add_argument("--get")
    parser.add_argument("--create")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--get-requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--get-budget", type=float, default=20.0)
    parser.add_argument("--budget", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--size", type=int)
    parser.add_argument("--orders", type=int)
    parser.add_argument("--seed-line", default="")
    parser.add_argument("--store-mb", type=float, default=0)
    args = parser.parse_args()
    try:
        {"lists": run_lists, "get": run_get, "report": run_report}[args.mode](args)
    except Failure as failure:
        print(f"[scale-bench] FAILED: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
