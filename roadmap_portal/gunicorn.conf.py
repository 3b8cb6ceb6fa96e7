"""gunicorn's serving settings: the one place the web's worker class, workers and threads are
chosen (the image, docker-compose, the benchmarks and the drills all read this file).

The choice is measured (bench/README.md, "Serving"): on the 2-core box the portal is sized
for, PostgreSQL, Redis and the web share the cores, and a request spends most of its time on
the CPU (rendering, building SQL) once its data comes from the cache. One ``sync`` worker per
core served the signed-in pages best: threads (``gthread``) contend for the interpreter's lock
on that work, and more processes than cores only take turns on them. Each variable below can
be overridden from the environment (``GUNICORN_WORKERS`` …) where a bigger box serves it.
"""

import multiprocessing
import os

worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A worker that serves nothing for this long is restarted (exports run in Celery, not here).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 10
# The application (Django, the URLconf and every view: about 1.5 s) is loaded once, in the
# master, before it listens: a worker forked from it serves at once, and shares that memory
# with its siblings. Without it, the port answered while the workers were still loading, and
# the first requests (a deploy's, a restart's) waited for them. The cost: code changes need a
# restart, not a HUP (the image and compose restart anyway).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
