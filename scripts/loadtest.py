"""`make loadtest`: simulated agents against the stack `make run` starts, on this machine.

Each simulated agent has a console open (its own cancellation request) and does what the
browser does: every second it asks whether anything changed on the console (the console's
poll, with the update-check token the page handed out, kept fresh from each answer) and
whether a call waits for it (the screen pop), and it loads the console page every 20 s.
The script:

1. starts `scripts/stack.py run` (gunicorn, worker, beat; embedded PostgreSQL and Redis
   unless DATABASE_URL / REDIS_URL are set) in a database of its own (`retention_loadtest`),
   and signs in the agents (`manage.py loadtest_setup`);
2. measures a baseline in the same run: requests per second, 16 connections in a closed
   loop, of a bare view (/favicon.ico: the whole middleware with a signed-in session, no
   page), of the polls with their update check holding, of the console poll without a
   token (the content hash, as before the update check) and of the console page;
3. raises the number of agents step by step (they come on within 20 s, then 30 s are
   counted) and reports, for each, the p95 latency, errors and ticks dropped (a poll that
   could not start on time); the capacity is the most agents served with p95 under 300 ms
   and no error;
4. bursts 3x that many agents for 20 s, and reports the error rate and the seconds until
   the server answers a lone agent within 300 ms again.

Figures go to docs/loadtest-report.txt. Options: --levels 25,50,... --seconds 30 --poll 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import urllib.request

import stack

ROOT = stack.ROOT
REPORT = ROOT / "docs" / "loadtest-report.txt"
P95_LIMIT_MS = 300
POLL_SECONDS, PAGE_SECONDS = 1.0, 20.0
CHECK_HEADER = "RD-Check"  # core.updates.CHECK_HEADER: a fresh token for the next poll


@dataclass
class Sample:
    kind: str
    ms: float
    status: int


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    dropped: int = 0
    since: float = 0.0  # what happens before (the agents coming on) is not counted

    def add(self, sample: Sample) -> None:
        if time.monotonic() >= self.since:
            self.samples.append(sample)

    def drop(self, ticks: int) -> None:
        if time.monotonic() >= self.since:
            self.dropped += ticks

    def p95(self, kind: str | None = None) -> float:
        times = sorted(s.ms for s in self.samples if kind is None or s.kind == kind)
        return times[int(len(times) * 0.95) - 1] if times else 0.0

    @property
    def errors(self) -> int:
        return sum(s.status >= 400 or s.status == 0 for s in self.samples)


async def _get(http, url: str, cookie: str, fresh: list | None = None):
    """(status, ms, body); a fresh update-check token in the answer goes to `fresh[0]`."""
    started = time.perf_counter()
    try:
        async with http.get(url, headers={"Cookie": cookie}, allow_redirects=False) as answer:
            body = await answer.text()
            status = answer.status
            if fresh is not None and answer.headers.get(CHECK_HEADER):
                fresh[0] = answer.headers[CHECK_HEADER]
    except (TimeoutError, aiohttp.ClientError):
        status, body = 0, ""
    return status, (time.perf_counter() - started) * 1000, body


def _after(body: str, marker: str, end: str = '"') -> str:
    at = body.find(marker)
    return body[at + len(marker) : body.find(end, at + len(marker))] if at >= 0 else ""


def _polls(body: str, base: str, request: int) -> tuple[str, str]:
    """The console's poll and the screen pop's, with their tokens, as the page drew them."""
    console = _after(body, '<div id="console"', ">")
    pop = _after(body, '<div id="phone-pop"', ">")
    token = 'data-check="'
    seen, check = _after(console, "poll?seen="), _after(console, token)
    return (
        f"{base}/desk/requests/{request}/poll?seen={seen}&check={check}",
        f"{base}/desk/phone/pop?check={_after(pop, token)}",
    )


async def agent(
    http, base: str, console: dict, run: Run, until: float, ramp: float, poll: float
) -> None:
    """One agent: the console page, then both polls every second and the page every 20 s.
    Agents come on at random within `ramp` seconds (a floor's consoles are opened at
    different times); the run counts from then on."""
    page_url = f"{base}/desk/requests/{console['request']}/"
    cookie = console["cookie"]
    await asyncio.sleep(random.uniform(0, ramp))
    status, ms, body = await _get(http, page_url, cookie)
    run.add(Sample("page", ms, status))
    poll, pop = _polls(body, base, console["request"])
    fresh = [""]
    next_page = time.monotonic() + PAGE_SECONDS
    tick = time.monotonic()
    while time.monotonic() < until:
        tick += poll
        pause = tick - time.monotonic()
        if pause < 0:
            run.drop(int(-pause // poll) + 1)
            tick = time.monotonic()
        else:
            await asyncio.sleep(pause)
        if time.monotonic() >= next_page:
            status, ms, body = await _get(http, page_url, cookie)
            run.add(Sample("page", ms, status))
            poll, pop = _polls(body, base, console["request"]) if status == 200 else (poll, pop)
            next_page = time.monotonic() + PAGE_SECONDS
            continue
        if fresh[0]:
            poll, fresh[0] = poll.split("&check=")[0] + "&check=" + fresh[0], ""
        (status, ms, _), (pop_status, pop_ms, _) = await asyncio.gather(
            _get(http, poll, cookie, fresh), _get(http, pop, cookie)
        )
        run.add(Sample("poll", ms, status))
        run.add(Sample("pop", pop_ms, pop_status))


async def agents_run(
    base: str,
    consoles: list[dict],
    seconds: float,
    ramp: float = PAGE_SECONDS,
    poll: float = POLL_SECONDS,
) -> Run:
    """`seconds` of a floor of these agents, after the `ramp` seconds they take to come on
    (a burst: all of them within a second, counted from the start)."""
    run = Run(since=time.monotonic() + (ramp if ramp > poll else 0))
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        until = run.since + seconds
        await asyncio.gather(*(agent(http, base, c, run, until, ramp, poll) for c in consoles))
    return run


async def closed_loop(base: str, path: str, cookie: str, *, seconds=10.0, width=16) -> float:
    """Requests per second with `width` connections asking back to back."""
    done = 0
    connector = aiohttp.TCPConnector(limit=width)
    async with aiohttp.ClientSession(connector=connector) as http:
        until = time.monotonic() + seconds

        async def loop():
            nonlocal done
            while time.monotonic() < until:
                status, _ms, _ = await _get(http, base + path, cookie)
                done += status and status < 500

        await asyncio.gather(*(loop() for _ in range(width)))
    return done / seconds


async def recovery_seconds(base: str, console: dict, since: float) -> float:
    """Seconds from `since` until a lone agent is answered within 300 ms five times running."""
    url = f"{base}/desk/requests/{console['request']}/poll?seen=x"  # always the view
    good = 0
    async with aiohttp.ClientSession() as http:
        while good < 5:
            status, ms, _ = await _get(http, url, console["cookie"])
            good = good + 1 if 0 < status < 400 and ms < P95_LIMIT_MS else 0
            if time.monotonic() - since > 120:
                return float("inf")
            await asyncio.sleep(0.2)
    return time.monotonic() - since - 0.8  # the four later probes were after recovery


def _fetch_text(url: str, cookie: str) -> str:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read().decode()


def _wait_healthy(base: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("the stack stopped before it was healthy")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("the stack never became healthy")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="25,50,100,150,200,300,400,600,800,1000")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--poll",
        type=float,
        default=POLL_SECONDS,
        help="seconds between an agent's checks (the browser: 1; the issue's load: 2)",
    )
    options = parser.parse_args(argv)
    poll = options.poll
    levels = [int(level) for level in options.levels.split(",")]
    most = max(levels) * 3
    port = str(stack._free_port())
    base = f"http://127.0.0.1:{port}"
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    os.environ.setdefault("STACK_DATABASE", "retention_loadtest")
    with stack.services() as (env, _redis):
        env.update(
            PORT=port,
            DEMO_CUSTOMERS="50",
            DJANGO_SECRET_KEY=stack._secret_key(),
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_HTTPS="false",
        )
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "stack.py"), "run"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait_healthy(base, server)
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                setup = ["loadtest_setup", "--agents", str(most), "--out", out.name]
                subprocess.run(  # a demo command: the development settings load the demo app
                    [sys.executable, "manage.py", *setup],
                    cwd=ROOT,
                    env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
                    check=True,
                )
                people = json.loads(Path(out.name).read_text())
                consoles, boss = people["agents"], people["supervisor"]["cookie"]
            when = time.strftime("%Y-%m-%d %H:%M")
            say(f"Retention Desk load test, {when}, {os.cpu_count()} cores")
            say(
                f"stack: make run (gunicorn {os.environ.get('WEB_WORKERS') or os.cpu_count()} "
                f"workers x {os.environ.get('WEB_THREADS') or 4} threads)"
            )
            first = consoles[0]
            cookie, request = first["cookie"], first["request"]
            poll, pop = _polls(_fetch_text(f"{base}/desk/requests/{request}/", cookie), "", request)
            say("baseline, 16 connections back to back, 10 s each (requests/s, % of bare):")
            bare = 0.0
            for label, path, who in [
                ("bare view (/favicon.ico, signed in)", "/favicon.ico", cookie),
                ("console poll, update check holds", poll, cookie),
                ("screen pop, update check holds", pop, cookie),
                ("console poll, content hash (no token)", poll.split("&check=")[0], cookie),
                ("console page (financial branch)", f"/desk/requests/{request}/", cookie),
                ("customer view", f"/desk/customers/{first['customer']}/", cookie),
                ("claim console", f"/desk/claims/{first['claim']}/", cookie),
                ("supervisor queue", "/desk/approvals/", boss),
                ("floor", "/desk/floor/", boss),
            ]:
                rate = asyncio.run(closed_loop(base, path, who))
                bare = bare or rate
                say(f"  {label:40} {rate:8.0f} {rate / bare:7.0%}")
            say(
                f"agents (console poll and screen pop every {poll:g} s, page every "
                f"{PAGE_SECONDS:.0f} s), {options.seconds:.0f} s each:"
            )
            say(
                f"  {'agents':>6} {'req/s':>7} {'p95 ms':>7} {'poll p95':>8} "
                f"{'page p95':>8} {'errors':>6} {'dropped':>7}"
            )
            capacity = 0
            for level in levels:
                run = asyncio.run(agents_run(base, consoles[:level], options.seconds, poll=poll))
                rate = len(run.samples) / options.seconds
                say(
                    f"  {level:>6} {rate:>7.0f} {run.p95():>7.0f} {run.p95('poll'):>8.0f} "
                    f"{run.p95('page'):>8.0f} {run.errors:>6} {run.dropped:>7}"
                )
                if run.p95() >= P95_LIMIT_MS or run.errors:
                    break
                capacity = level
            say(f"capacity: {capacity} agents with p95 under {P95_LIMIT_MS} ms and no error")
            burst = max(capacity, 25) * 3
            run = asyncio.run(agents_run(base, consoles[:burst], 20, ramp=1.0, poll=poll))
            ended = time.monotonic()
            shed = sum(s.status == 503 for s in run.samples)
            other = run.errors - shed
            recovered = asyncio.run(recovery_seconds(base, consoles[0], ended))
            say(
                f"burst: {burst} agents for 20 s: {len(run.samples)} requests, "
                f"{run.errors / max(len(run.samples), 1):.1%} errors ({shed} shed with 503, "
                f"{other} other), p95 {run.p95():.0f} ms"
            )
            say(
                f"recovered {recovered:.1f} s after the burst ended "
                "(a lone agent answered within 300 ms five times running)"
            )
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=60)
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"written to {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
