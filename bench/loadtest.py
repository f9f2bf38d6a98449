"""`make load`: a company's day on this machine, in one run.

1. The ceiling: a bare Flask hello page (bench/hello.py) under gunicorn with the same
   settings as `make run` behind nginx (deploy/gunicorn.conf.py with FLASK_PROXY_COUNT:
   sync workers, 2 per core + 1), driven by wrk. A company's load comes through its
   front (nginx), which holds the phones' connections; LOAD_ALONE=1 measures gunicorn
   as it runs with no front instead (gthread, 2 x 4).
2. The task page: annotators' GET /tasks/<slug>/next (full page, brotli), by wrk, one
   logged-in annotator per connection.
3. The task cycle: simulated annotators doing the real loop (log in, claim, answer, and
   the next card comes back in the answer's reply) for LOAD_SECONDS at LOAD_CONNECTIONS,
   each on its own keep-alive connection, from LOAD_PROCS client processes (Python: it
   parses every card for the next assignment id, which wrk cannot do in compressed HTML).

Everything runs on loopback on the same two cores, so the load generator takes CPU the
server would otherwise have: the figures are what this machine gives with its own client
on it. To account for it, the server's own CPU (gunicorn master and workers, from /proc)
and the client's are read per cycle, and `server_only_cycles_per_s` says what the server's
CPU per cycle would allow on all cores alone.

Prints the figures, each as a ratio to the hello ceiling, the headroom over the company's
330 cycles/s, and merges them under "load" in bench/results.json (other keys kept).
Settings (environment): LOAD_SECONDS (60), LOAD_CONNECTIONS (16), LOAD_PAGE_SECONDS (10),
LOAD_PROCS (2).
"""
import contextlib
import json
import multiprocessing
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from bench import load
from tests import live

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results.json")
COMPANY = 330  # NextWealth's 5,000 staff, one answer each 15 s
TARGET = {"cycles_per_s": 500, "p99_ms": 50, "task_page_per_s": 1000, "task_page_hello_x": 4}
WARMUP_S = 2.0
BOOT_S = 2.0  # for every gunicorn worker to have loaded its app
# As `make run` behind nginx (FLASK_PROXY_COUNT=1), or alone (LOAD_ALONE=1).
LAYOUT = {} if os.environ.get("LOAD_ALONE") else {"FLASK_PROXY_COUNT": "1"}


def gunicorn_settings() -> str:
    """What deploy/gunicorn.conf.py gives in this layout, as gunicorn's flags."""
    conf = runpy.run_path(live.GUNICORN_ARGS[1])["settings"](bool(LAYOUT))
    flags = f"-k {conf['worker_class']} -w {conf['workers']}"
    if "threads" in conf:
        flags += f" --threads {conf['threads']} --keep-alive {conf['keepalive']}"
    return flags + (" (as behind nginx)" if LAYOUT else " (alone)")


def _env_number(name, default, kind=int):
    try:
        return kind(os.environ.get(name, default))
    except ValueError:
        raise SystemExit(f"{name} must be a number")


@contextlib.contextmanager
def hello_server():
    """bench/hello.py under gunicorn, the same settings as `make run`, on loopback."""
    port = live._free_port()
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    proc = subprocess.Popen([gunicorn, *live.GUNICORN_ARGS, "-b", f"127.0.0.1:{port}",
                             "bench.hello:app"], cwd=live.ROOT, env={**os.environ, **LAYOUT},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        live.wait_until_up(url + "/", proc)
        # The first worker answers before the second has booted: wrk's connections would
        # all go to it and stay there (keep-alive), measuring half the machine.
        time.sleep(BOOT_S)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wrk(url: str, seconds: float, connections: int, cookies: list[str]) -> dict:
    """wrk at `connections` connections, one per thread, each with its own cookie."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(cookies) + "\n")
    try:
        out = subprocess.run(
            ["wrk", f"-t{connections}", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
             "-s", os.path.join(HERE, "wrk", "cookies.lua"), url],
            env={**os.environ, "COOKIES": f.name}, capture_output=True, text=True,
            timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(f.name)
    found = re.search(r"^JSON (.*)$", out, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    summary = json.loads(found.group(1))
    seconds = summary.pop("duration_us") / 1e6
    summary["per_s"] = round(summary["requests"] / seconds, 1)
    summary["errors"] += summary.pop("non2xx")
    return summary


def _client(url, logins, answers, stop, records_out, failures_out):
    """One client process: a thread per annotator, each on its own connection."""
    records, failures = [], []

    def annotate(login):
        try:
            phone = load.Phone(url)
            phone.log_in(login)
            assignment, n = phone.next_id(), 0
            while not stop.is_set():
                if assignment is None:
                    raise RuntimeError("the bench project ran out of tasks")
                finished, took, _status, _text, following = phone.answer(
                    assignment, answers[n % len(answers)])
                records.append((finished, took, following is not None))
                assignment = following or phone.next_id()
                n += 1
        except Exception as error:  # noqa: BLE001 - reported and fails the run
            failures.append(repr(error))
            stop.set()

    threads = [threading.Thread(target=annotate, args=(login,)) for login in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records_out.put(records)
    failures_out.put(failures)


def machine_busy() -> float:
    """CPU seconds used on the whole machine so far, by everyone (from /proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / load.TICK


def cycles(url: str, logins: list[str], answers: list[str], seconds: float,
           procs: int) -> dict:
    """The task cycle for WARMUP_S + `seconds`; counts the measured window only."""
    ctx = multiprocessing.get_context("fork")
    stop, records_q, failures_q = ctx.Event(), ctx.Queue(), ctx.Queue()
    shares = [logins[i::procs] for i in range(procs)]
    clients = [ctx.Process(target=_client, args=(url, share, answers, stop, records_q,
                                                 failures_q)) for share in shares if share]
    server = load.gunicorn_pids()
    for client in clients:
        client.start()
    time.sleep(WARMUP_S)
    client_pids = [c.pid for c in clients]
    t0, cpu0, own0 = time.perf_counter(), load.cpu_seconds(server), \
        load.cpu_seconds(client_pids)
    all0 = machine_busy()
    time.sleep(seconds)
    t1, cpu1, own1 = time.perf_counter(), load.cpu_seconds(server), \
        load.cpu_seconds(client_pids)
    all1 = machine_busy()
    stop.set()
    records = [r for _ in clients for r in records_q.get(timeout=60)]
    failures = [f for _ in clients for f in failures_q.get(timeout=60)]
    for client in clients:
        client.join(timeout=30)
    if failures:
        raise RuntimeError(f"load client failed: {failures[:3]}")
    window = [r for r in records if t0 < r[0] <= t1]
    good = [r[1] * 1000 for r in window if r[2]]
    if not good:
        raise RuntimeError("no task cycle completed in the measured window")
    elapsed = t1 - t0
    server_ms = (cpu1 - cpu0) * 1000 / len(good)
    return {
        "connections": len(logins), "client_procs": len(clients), "seconds": round(elapsed, 1),
        "cycles": len(good), "errors": len(window) - len(good),
        "cycles_per_s": round(len(good) / elapsed, 1),
        "p50_ms": round(load._percentile(good, 0.50), 2),
        "p95_ms": round(load._percentile(good, 0.95), 2),
        "p99_ms": round(load._percentile(good, 0.99), 2),
        "max_ms": round(max(good), 2),
        "server_cpu_ms_per_cycle": round(server_ms, 2),
        "client_cpu_ms_per_cycle": round((own1 - own0) * 1000 / len(good), 2),
        "server_only_cycles_per_s": round(os.cpu_count() * 1000 / server_ms, 1),
        "server_cores": round((cpu1 - cpu0) / elapsed, 2),
        "client_cores": round((own1 - own0) / elapsed, 2),
        # Whatever else ran on the machine meanwhile (other users' work): it took cores
        # from the server, so the cycles/s above are less than the machine alone gives.
        "other_cores": round(max(0.0, (all1 - all0) - (cpu1 - cpu0) - (own1 - own0))
                             / elapsed, 2),
    }


def per_worker(measure):
    """Run `measure()`; its result and the cores each gunicorn worker used meanwhile
    (a worker left idle, given no connection, halves what the machine can do)."""
    workers = load.gunicorn_pids()[1:]
    before, t0 = [load.cpu_seconds([pid]) for pid in workers], time.perf_counter()
    result = measure()
    elapsed = time.perf_counter() - t0
    return result, [round((load.cpu_seconds([pid]) - b) / elapsed, 2)
                    for pid, b in zip(workers, before)]


def session_cookies(url: str, logins: list[str]) -> list[str]:
    cookies = []
    for login in logins:
        phone = load.Phone(url)
        phone.log_in(login)
        phone.next_id()  # she holds a task: the page resumes it, as a reload does
        cookies.append(phone.cookie)
        phone.conn.close()
    return cookies


def measure(seconds: float, connections: int, page_seconds: float, procs: int) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make load does it as root)")
    results = {"settings": {"gunicorn": gunicorn_settings(), "connections": connections,
                            "seconds": seconds, "page_seconds": page_seconds,
                            "cpu_count": os.cpu_count(), "client": "wrk (pages), "
                            f"{procs} Python processes (cycles)",
                            "loadavg_before": os.getloadavg()[0]}}
    with hello_server() as url:
        hello, hello_workers = per_worker(lambda: wrk(url + "/", page_seconds, connections,
                                                      ["x=1"]))
    with tempfile.TemporaryDirectory() as workdir, \
            live.server(workdir, **LAYOUT) as (url, db_path):
        # Enough tasks for the whole run at twice the target, three answers each.
        tasks = int(2 * TARGET["cycles_per_s"] * (seconds + WARMUP_S + 5) / 3) + 1000
        logins, answers = load.prepare(db_path, "tamil-review-sentiment",
                                       annotators=connections * 2, tasks=tasks)
        cookies = session_cookies(url, logins[connections:])
        page, page_workers = per_worker(lambda: wrk(f"{url}/tasks/{load.SLUG}/next",
                                                    page_seconds, connections, cookies))
        cycle, cycle_workers = per_worker(lambda: cycles(url, logins[:connections], answers,
                                                         seconds, procs))
    ceiling = hello["per_s"]
    results.update({
        "hello_per_s": ceiling, "hello_p99_ms": hello["p99_ms"], "hello_errors": hello["errors"],
        "task_page_per_s": page["per_s"], "task_page_p99_ms": page["p99_ms"],
        "task_page_errors": page["errors"],
        "task_page_hello_x": round(ceiling / page["per_s"], 2),
        **cycle,
        "cycle_hello_x": round(ceiling / cycle["cycles_per_s"], 2),
        "headroom_over_company_x": round(cycle["cycles_per_s"] / COMPANY, 2),
        "worker_cores": {"hello": hello_workers, "task_page": page_workers,
                         "cycles": cycle_workers},
    })
    results["targets"] = {
        "cycles_per_s": results["cycles_per_s"] >= TARGET["cycles_per_s"],
        "p99_ms": results["p99_ms"] < TARGET["p99_ms"],
        "errors": results["errors"] == 0 and results["task_page_errors"] == 0,
        "task_page_per_s": results["task_page_per_s"] >= TARGET["task_page_per_s"],
        "task_page_hello_x": results["task_page_hello_x"] <= TARGET["task_page_hello_x"],
    }
    return results


def report(r: dict) -> None:
    ok = {True: "met", False: "NOT met"}
    t = r["targets"]
    print(f"Load on {r['settings']['cpu_count']} cores, gunicorn {r['settings']['gunicorn']},"
          f" {r['connections']} connections (client on the same cores)")
    print(f"  hello ceiling     {r['hello_per_s']:>8,.0f} req/s  p99 {r['hello_p99_ms']} ms")
    print(f"  task page (GET)   {r['task_page_per_s']:>8,.0f} req/s  p99 {r['task_page_p99_ms']}"
          f" ms  = 1/{r['task_page_hello_x']} of hello; errors {r['task_page_errors']}"
          f"  [>= 1,000/s {ok[t['task_page_per_s']]}; <= 4 hellos {ok[t['task_page_hello_x']]}]")
    print(f"  task cycles       {r['cycles_per_s']:>8,.0f} /s     p50 {r['p50_ms']} ms,"
          f" p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms;"
          f" errors {r['errors']} in {r['cycles']:,} cycles over {r['seconds']} s")
    print(f"                    = 1/{r['cycle_hello_x']} of hello"
          f"  [>= 500/s {ok[t['cycles_per_s']]}; p99 < 50 ms {ok[t['p99_ms']]};"
          f" no errors {ok[t['errors']]}]")
    print(f"  CPU per cycle     server {r['server_cpu_ms_per_cycle']} ms,"
          f" client {r['client_cpu_ms_per_cycle']} ms; the server alone on all cores:"
          f" {r['server_only_cycles_per_s']:,.0f} cycles/s")
    print(f"  cores in use      server {r['server_cores']}, client {r['client_cores']},"
          f" other work on the machine {r['other_cores']} (load average before:"
          f" {r['settings']['loadavg_before']})")
    print(f"  headroom          {r['headroom_over_company_x']}x the company's {COMPANY}"
          f" cycles/s")
    print("  cores per worker  " + ", ".join(
        f"{phase.replace('_', ' ')} {' / '.join(map(str, cores))}"
        for phase, cores in r["worker_cores"].items()))


def save(load_results: dict, path: str = RESULTS) -> None:
    """Merge under "load", keeping every other key of the file."""
    try:
        with open(path) as f:
            results = json.load(f)
    except (OSError, ValueError):
        results = {}
    results["load"] = load_results
    with open(path, "w") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main() -> int:
    results = measure(_env_number("LOAD_SECONDS", 60, float),
                      _env_number("LOAD_CONNECTIONS", 16),
                      _env_number("LOAD_PAGE_SECONDS", 10, float),
                      _env_number("LOAD_PROCS", 2))
    report(results)
    save(results)
    print(f"Results: {os.path.relpath(RESULTS)} (\"load\")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
