"""gunicorn's settings, one copy for `make run`, the tests and `make load`.

Alone (phones straight to gunicorn): gthread workers, 2 x 4 threads. A phone on 2G keeps
its connection open between tasks (a new one costs a round trip, 300 ms) and may send a
request slowly; a thread waits on it, not a whole worker.

Behind a proxy (FLASK_PROXY_COUNT set, e.g. nginx with deploy/nginx.conf): sync workers,
2 per core + 1, one request each. nginx holds the phones' connections and reads each
request whole before passing it on, so a worker is never held by a slow phone (gunicorn's
own advice for sync workers), and it answers as fast as loopback lets it. Each worker is
one process with one thread: no thread waits for another's turn at the interpreter, and
the kernel hands each new request to a free worker. Under a company's load that gives
more task cycles a second than threads do, and a much shorter tail (bench/loadtest.py).
"""
import multiprocessing
import os


def settings(behind_proxy: bool) -> dict:
    if behind_proxy:
        return {"worker_class": "sync", "workers": 2 * multiprocessing.cpu_count() + 1,
                "timeout": 120}  # a request has this long (a big import), then is cut
    return {"worker_class": "gthread", "workers": 2, "threads": 4, "keepalive": 75}


globals().update(settings(os.environ.get("FLASK_PROXY_COUNT", "0") not in ("", "0")))
