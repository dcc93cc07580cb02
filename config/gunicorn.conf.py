"""gunicorn's settings, the same for `make run`, docker-compose and production.

Threaded workers, one per core: a request mostly waits on PostgreSQL, so a few threads per
process keep a core busy. Each worker process holds a connection pool of at most `threads`
connections, so the web tier never holds more than `workers x threads` connections, whatever
the load (README, "Connections"). A request that waited longer than WEB_SHED_AFTER_SECONDS
for a thread is answered 503 with Retry-After (config/server.py) instead of joining a queue
that only grows.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS") or multiprocessing.cpu_count())
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = "config.server.SheddingThreadWorker"
# Connections a worker accepts before it stops accepting (the rest wait in the listen
# backlog); requests among them that wait too long for a thread are shed.
worker_connections = int(os.environ.get("WEB_WORKER_CONNECTIONS") or 1000)
backlog = 1024
keepalive = 5
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = 15
# Recycle workers now and then, so one slow leak never grows for days: about every half
# hour at a full floor's load (5,000 was every 15 s, a second of every 15 lost to booting
# and to reloading what the process keeps per version). The app is loaded once in the
# master, so a recycled worker starts by forking, without importing Django again.
max_requests = 1_000_000
max_requests_jitter = 100_000
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("WEB_ACCESS_LOG", "") == "1" else None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
proc_name = "retention-desk-web"

# The pool is sized by the threads that can use it at once; workers read it from the
# environment when they load the settings.
os.environ["DB_POOL_MAX_SIZE"] = os.environ.get("DB_POOL_MAX_SIZE") or str(threads)
