"""A small bounded load client: N threads, keep-alive http.client connections to 127.0.0.1,
each signed in as the coordinator, requesting URLs for a fixed time, then stopping."""

import http.client
import random
import re
import threading
import time
import urllib.parse

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'value="([^"]+)"[^>]*name="csrf_token"')


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {}

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self._cookie_header()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, email, password):
        status, page = self.request("GET", "/sign-in")
        match = CSRF.search(page.decode())
        token = (match.group(1) or match.group(2)) if match else ""
        body = urllib.parse.urlencode({"csrf_token": token, "email": email,
                                       "password": password})
        status, _ = self.request("POST", "/sign-in", body, {
            "Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"sign-in failed with HTTP {status}")
        status, _ = self.request("GET", "/home")
        if status != 200:
            raise RuntimeError(f"signed-in home page gave HTTP {status}")


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def run(port, urls, clients=16, seconds=60, credentials=None, seed=1):
    """Hit `urls` (a list, picked at random) from `clients` threads for `seconds`.

    Returns requests/s, p50/p95/p99 latency in ms, errors (non-200 or exceptions) and count.
    """
    sessions = []
    for _ in range(clients):
        client = Client(port)
        if credentials:
            client.sign_in(*credentials)
        sessions.append(client)
    latencies, errors, statuses = [], [0], {}
    lock = threading.Lock()
    stop_at = [0.0]
    start = threading.Barrier(clients + 1)

    def worker(client, rng):
        mine, bad = [], 0
        start.wait()
        while time.perf_counter() < stop_at[0]:
            path = rng.choice(urls)
            began = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except Exception:  # noqa: BLE001 (any failure is an error to count)
                status = "exception"
            mine.append((time.perf_counter() - began) * 1000)
            if status != 200:
                bad += 1
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(c, random.Random(seed + i)))
               for i, c in enumerate(sessions)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies), "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99), "errors": errors[0], "statuses": statuses,
        "seconds": elapsed,
    }
