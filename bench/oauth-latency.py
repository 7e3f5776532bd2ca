"""OAuth 1.0a request latency and throughput with the official `woocommerce` Python client (issue 12: every OAuth
request claims its nonce in the store before it goes on).

    .venv/bin/python bench/oauth-latency.py http://127.0.0.1:8080 ck_… cs_… 2000

Sends N signed `GET customers/count` one after another (median and p99 latency), then N more from 8 threads
(requests/s). Start the server first (`wc-api-server serve`, a key from `wc-api-server keys create`).
"""
import statistics
import sys
import threading
import time

from woocommerce import API

url, key, secret, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def run(requests, latencies):
    api = API(url=url, consumer_key=key, consumer_secret=secret, version="v2", wp_api=False, timeout=10)
    for _ in range(requests):
        started = time.perf_counter()
        response = api.get("customers/count")
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text


sequential = []
run(count, sequential)
sequential.sort()
print(f"sequential {count}: median {statistics.median(sequential) * 1000:.2f} ms "
      f"p99 {sequential[int(len(sequential) * 0.99)] * 1000:.2f} ms")
lists = [[] for _ in range(8)]
started = time.perf_counter()
threads = [threading.Thread(target=run, args=(count // 8, lists[i])) for i in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"8 threads: {count / (time.perf_counter() - started):.0f} req/s")
