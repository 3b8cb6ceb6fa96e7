"""gunicorn's serving settings: the one place the web's worker class, workers and threads are
chosen (the image, docker-compose, the benchmarks and the drills all read this file).

The choice is measured (bench/README.md, "Serving"): on the 2-core box the portal is sized
for, PostgreSQL, Redis and the web share the cores, and a request spends much of its time
waiting on the database and the cache. Threads keep a core busy while another request of
the same worker waits, without the memory of more processes. Each variable below can be
overridden from the environment (``GUNICORN_WORKERS`` …) where a bigger box serves it.
"""

import multiprocessing
import os

worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker that serves nothing for this long is restarted (exports run in Celery, not here).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 10
