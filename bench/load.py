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


# --- Mixed reads and writes (the 50-client reliability run) ---------------------------------

def csrf_token(page):
    match = CSRF.search(page.decode() if isinstance(page, bytes) else page)
    return (match.group(1) or match.group(2)) if match else ""


VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"|value="(\d+)"[^>]*name="version"')


def _form(client, path):
    """GET a form page as a person would; returns (status, csrf token, version or None)."""
    status, page = client.request("GET", path)
    text = page.decode()
    match = VERSION.search(text)
    return status, csrf_token(text), (match.group(1) or match.group(2)) if match else None


def _post(client, path, fields):
    return client.request("POST", path, urllib.parse.urlencode(fields, doseq=True),
                          {"Content-Type": "application/x-www-form-urlencoded"})[0]


def _saved(status):
    """A write's answer: a redirect when saved; the form again (200) means it was refused."""
    return "form refused" if status == 200 else status


def _date(day):
    return [str(day.day), str(day.month), str(day.year)]


class Mix:
    """What one signed-in coordinator does, by weight: list and open cases, search by NHS
    number, record a reason for delay (optimistic locking: a 409 is a correct answer), request
    an agency report, and record a new notification. Each write first GETs its form."""

    def __init__(self, list_urls, case_ids, open_case_ids, nhs_numbers, today):
        self.list_urls, self.case_ids = list_urls, case_ids
        self.open_case_ids, self.nhs_numbers, self.today = open_case_ids, nhs_numbers, today
        self.actions = [(40, "case list", self.case_list), (25, "case page", self.case_page),
                        (10, "search by NHS number", self.search),
                        (10, "record reason for delay", self.delay_reason),
                        (10, "request agency report", self.request_report),
                        (5, "record notification", self.notify)]

    def pick(self, rng):
        return rng.choices(self.actions, weights=[w for w, _, _ in self.actions])[0][1:]

    def case_list(self, client, rng):
        return [client.request("GET", rng.choice(self.list_urls))[0]]

    def case_page(self, client, rng):
        return [client.request("GET", f"/cases/{rng.choice(self.case_ids)}")[0]]

    def search(self, client, rng):
        status, token, _ = _form(client, "/cases?page=1")
        return [status, _post(client, "/cases/search", {
            "csrf_token": token, "nhs_number": rng.choice(self.nhs_numbers)})]

    def delay_reason(self, client, rng):
        path = f"/cases/{rng.choice(self.open_case_ids)}/delay-reason"
        status, token, version = _form(client, path)
        return [status, _saved(_post(client, path, {"csrf_token": token, "version": version,
                                                    "reason": "awaiting_inquest"}))]

    def request_report(self, client, rng):
        path = f"/cases/{rng.choice(self.open_case_ids)}/agency-reports/new"
        status, token, _ = _form(client, path)
        from datetime import timedelta

        return [status, _saved(_post(client, path, {
            "csrf_token": token, "agency_type": rng.choice(["gp", "school", "police"]),
            "contact_name": "Load Test Contact", "contact_email": "contact@agency.example",
            "due_on": _date(self.today + timedelta(days=28))}))]

    def notify(self, client, rng):
        from datetime import timedelta

        status, token, _ = _form(client, "/cases/new")
        died = self.today - timedelta(days=rng.randint(1, 20))
        return [status, _saved(_post(client, "/cases/new", {
            "csrf_token": token, "forename": "Loadtest",
            "surname": f"Child-{rng.getrandbits(48):012x}",
            "date_of_birth": _date(died - timedelta(days=rng.randint(30, 5000))),
            "sex": "female", "nhs_number_unavailable": "y",
            "nhs_number_unavailable_reason": "Synthetic load-test notification",
            "resident": "yes", "date_of_death": _date(died), "place_type": "hospital",
            "death_expectation": "unexpected", "notifier_name": "Load Test Notifier",
            "notified_on": _date(died + timedelta(days=1)), "confirmed_new": "yes"}))]


OK_STATUSES = {200, 302, 303}


def run_mixed(port, mix, clients=50, seconds=300, credentials=None, seed=7):
    """`clients` signed-in threads doing `mix` for `seconds`. Per action: requests, latency
    percentiles (the whole action, form GET included) and statuses; 409 (a lost-update refusal)
    is counted apart from errors."""
    sessions = []
    for _ in range(clients):
        client = Client(port)
        if credentials:
            client.sign_in(*credentials)
        sessions.append(client)
    lock = threading.Lock()
    stats = {name: {"latencies": [], "statuses": {}} for _, name, _ in mix.actions}
    stop_at = [0.0]
    start = threading.Barrier(clients + 1)

    def worker(client, rng):
        mine = {name: ([], {}) for name in stats}
        start.wait()
        while time.perf_counter() < stop_at[0]:
            name, action = mix.pick(rng)
            began = time.perf_counter()
            try:
                statuses = action(client, rng)
            except Exception:  # noqa: BLE001 (a failure of any kind is an error to count)
                statuses = ["exception"]
            mine[name][0].append((time.perf_counter() - began) * 1000)
            for status in statuses:
                mine[name][1][status] = mine[name][1].get(status, 0) + 1
        with lock:
            for name, (latencies, counted) in mine.items():
                stats[name]["latencies"].extend(latencies)
                for status, n in counted.items():
                    stats[name]["statuses"][status] = stats[name]["statuses"].get(status, 0) + n

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
    result = {"seconds": elapsed, "clients": clients, "actions": {}}
    total = {"requests": 0, "server_errors": 0, "conflicts": 0, "other_errors": 0}
    for name, s in stats.items():
        latencies = sorted(s["latencies"])
        requests = sum(s["statuses"].values())
        server = sum(n for st, n in s["statuses"].items() if isinstance(st, int) and st >= 500)
        conflicts = s["statuses"].get(409, 0)
        other = requests - server - conflicts - sum(s["statuses"].get(st, 0) for st in OK_STATUSES)
        result["actions"][name] = {
            "actions": len(latencies), "requests": requests, "per_s": len(latencies) / elapsed,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99), "server_errors": server, "conflicts": conflicts,
            "other_errors": other, "statuses": {str(k): v for k, v in s["statuses"].items()}}
        total["requests"] += requests
        total["server_errors"] += server
        total["conflicts"] += conflicts
        total["other_errors"] += other
    result.update(total, requests_per_s=total["requests"] / elapsed)
    return result
