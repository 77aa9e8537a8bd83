"""``sitegen serve`` under load: many keep-alive clients on loopback, with an edit in the middle.

Starts the real command (``python -m sitegen serve``, its own process, so the
client's work does not share the server's interpreter) on a generated site,
opens N persistent connections at once (asyncio raw sockets, HTTP/1.1
keep-alive, or HTTP/1.0 with ``Connection: keep-alive`` as ``ab -k`` sends it)
and has each request pages, photos and the stylesheet back to back for a fixed
time. Halfway through, a page's Markdown is saved; the figures show how long
the reload event and the new text took to arrive while the load went on.
``--stalled K`` adds K clients that request a large file and never read it
(what froze rebuilds before the server stopped holding its lock while sending).

    python benchmarks/serve_load.py                        # 50 clients, 10 s
    python benchmarks/serve_load.py --clients 200 --http10 --stalled 2

Prints requests/s, latency percentiles, connection set-up times and errors;
never asserts (the machine is shared and noisy). No ``ab`` needed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchsite import make_site

import sitegen

REQUEST_TIMEOUT = 30.0


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    connects: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    during_edit: list[float] = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(site: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    # The server runs the sitegen this script imports (not whatever the current folder holds).
    source = str(Path(sitegen.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", str(port)],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()  # type: ignore[arg-type]
    deadline = time.monotonic() + 600
    while not any("Built the preview" in line for line in lines):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the preview did not start:\n" + "".join(lines))
        time.sleep(0.05)
    return proc, lines


async def read_response(reader: asyncio.StreamReader, http10: bool) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection stays open), the way ``ab -k`` decides it."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length)
    connection = headers.get("connection", "")
    keep = "keep-alive" in connection if http10 else "close" not in connection
    if not keep:
        await reader.read()  # a client that was not told "keep-alive" waits for the server to close
    return status, body, keep


class Load:
    def __init__(self, port: int, urls: list[str], http10: bool, tally: Tally) -> None:
        self.port = port
        self.urls = urls
        self.http10 = http10
        self.tally = tally
        self.stop = asyncio.Event()
        self.edit_window: tuple[float, float] | None = None

    def request(self, url: str) -> bytes:
        if self.http10:
            return f"GET {url} HTTP/1.0\r\nHost: 127.0.0.1:{self.port}\r\nConnection: keep-alive\r\n\r\n".encode()
        return f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode()

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        started = time.perf_counter()
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), REQUEST_TIMEOUT)
        self.tally.connects.append(time.perf_counter() - started)
        return reader, writer

    async def client(self, number: int, start: asyncio.Event) -> None:
        await start.wait()
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        i = number
        while not self.stop.is_set():
            url = self.urls[i % len(self.urls)]
            i += 1
            try:
                if conn is None:
                    conn = await self.connect()
                reader, writer = conn
                started = time.perf_counter()
                writer.write(self.request(url))
                status, _, keep = await asyncio.wait_for(read_response(reader, self.http10), REQUEST_TIMEOUT)
                took = time.perf_counter() - started
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                self.tally.error(type(exc).__name__)
                conn = await self.close(conn)
                continue
            except TimeoutError:
                self.tally.error("timeout")
                conn = await self.close(conn)
                continue
            if status != 200:
                self.tally.error(f"HTTP {status}")
            else:
                self.tally.latencies.append(took)
                window = self.edit_window
                if window and window[0] <= started and (window[1] == 0 or started <= window[1]):
                    self.tally.during_edit.append(took)
            if not keep:
                conn = await self.close(conn)
        await self.close(conn)

    @staticmethod
    async def close(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None) -> None:
        if conn is not None:
            conn[1].close()
            with contextlib.suppress(OSError):
                await conn[1].wait_closed()
        return None


async def stalled_client(port: int, url: str, done: asyncio.Event) -> None:
    """Requests a large file, reads its first bytes, then reads nothing more until the run ends."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
    writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await reader.read(1024)
    await done.wait()
    writer.close()


async def sse_reload(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await reader.readuntil(b"\r\n\r\n")
    await reader.readuntil(b"event: hello")
    return reader, writer


async def fetch(port: int, url: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    return data


async def run(args: argparse.Namespace, site: Path, port: int, urls: list[str], pid: int) -> dict[str, float]:
    tally = Tally()
    load = Load(port, urls, args.http10, tally)
    start = asyncio.Event()
    clients = [asyncio.create_task(load.client(n, start)) for n in range(args.clients)]
    stall_done = asyncio.Event()
    stalls = [asyncio.create_task(stalled_client(port, "/big.bin", stall_done)) for _ in range(args.stalled)]
    if stalls:
        await asyncio.sleep(0.5)  # the stalled transfers have filled their socket buffers
    events = await sse_reload(port)
    began, cpu_before = time.perf_counter(), cpu_seconds(pid)
    start.set()
    await asyncio.sleep(args.seconds / 2)
    # The edit: saved as editors do (written elsewhere, renamed into place).
    marker = f"Edited under load {time.time_ns()}"
    about = site / "content/about.md"
    tmp = about.with_name(".about.md.tmp")
    tmp.write_text(f"---\ntitle: About\n---\n{marker}.\n", "utf-8")
    saved = time.perf_counter()
    load.edit_window = (saved, 0.0)
    os.replace(tmp, about)
    figures: dict[str, float] = {}
    try:
        await asyncio.wait_for(events[0].readuntil(b"event: reload"), 120)
        figures["reload event"] = time.perf_counter() - saved
        while marker.encode() not in await asyncio.wait_for(fetch(port, "/about/"), 120):
            await asyncio.sleep(0.005)
        figures["new text served"] = time.perf_counter() - saved
    except TimeoutError:
        tally.error("edit not served within 120 s")
    load.edit_window = (saved, time.perf_counter())
    events[1].close()
    await asyncio.sleep(max(0.0, began + args.seconds - time.perf_counter()))
    load.stop.set()
    await asyncio.gather(*clients)
    elapsed = time.perf_counter() - began
    figures["server CPU"] = cpu_seconds(pid) - cpu_before
    stall_done.set()
    await asyncio.gather(*stalls, return_exceptions=True)
    report(args, tally, elapsed, figures)
    return figures


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far; nan where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(args: argparse.Namespace, tally: Tally, elapsed: float, figures: dict[str, float]) -> None:
    ms = 1000.0
    lat = tally.latencies
    mode = "HTTP/1.0 + Connection: keep-alive" if args.http10 else "HTTP/1.1 keep-alive"
    print(f"{args.clients} clients ({mode}), {args.stalled} stalled reader(s), {elapsed:.1f} s")
    print(f"  requests ok      {len(lat)}  ({len(lat) / elapsed:.0f} requests/s)")
    if lat:
        print(
            f"  latency ms       p50 {pct(lat, 50) * ms:.1f}  p90 {pct(lat, 90) * ms:.1f}  "
            f"p99 {pct(lat, 99) * ms:.1f}  max {max(lat) * ms:.1f}  mean {statistics.fmean(lat) * ms:.1f}"
        )
    if tally.connects:
        c = tally.connects
        spread = f"p50 {pct(c, 50) * ms:.1f}  p99 {pct(c, 99) * ms:.1f}  max {max(c) * ms:.1f}"
        print(f"  connect ms       {spread}  ({len(c)} connections)")
    errors = sum(tally.errors.values())
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(tally.errors.items()))
    print(f"  errors           {errors}" + (f"  ({detail})" if detail else ""))
    server_cpu = figures.pop("server CPU")
    if lat:
        per_request = server_cpu / len(lat) * 1e6
        print(f"  server CPU       {server_cpu:.1f} s, {per_request:.0f} µs per request (the edit's rebuild included)")
    for name, seconds in figures.items():
        print(f"  edit: {name:<15} {seconds * ms:.0f} ms after the save")
    if tally.during_edit:
        d = tally.during_edit
        print(f"  during the edit  {len(d)} requests, p99 {pct(d, 99) * ms:.1f} ms, max {max(d) * ms:.1f} ms")


def discover(port: int) -> list[str]:
    """Pages, photos and the stylesheet, as a visitor's browser would request them."""

    async def crawl() -> list[str]:
        home = (await fetch(port, "/")).decode("utf-8", "replace")
        pages = sorted(set(re.findall(r'href="(?:http://[^/"]+)?(/[a-z0-9/-]*/)"', home)))[:10] or ["/"]
        found: list[str] = ["/", *pages]
        for page in pages[:4]:
            html = (await fetch(port, page)).decode("utf-8", "replace")
            found += re.findall(r'(?:src|href)="(/(?:media|theme)/[^"?#]+)"', html)[:12]
        return list(dict.fromkeys(found))

    return asyncio.run(crawl())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent keep-alive connections (default 50)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the run (default 10)")
    parser.add_argument("--photos", type=int, default=40, help="photos in the generated site (default 40)")
    parser.add_argument("--http10", action="store_true", help="HTTP/1.0 requests with Connection: keep-alive (ab -k)")
    parser.add_argument("--stalled", type=int, default=0, help="clients that request a 64 MB file and stop reading")
    parser.add_argument("--keep", type=Path, help="build the site here and keep it (reused when it exists)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        site = args.keep or Path(tmp) / "site"
        if not (site / "sitegen.toml").exists():
            make_site(site, photos=args.photos, size=(1200, 800))
        static = site / "static"
        static.mkdir(exist_ok=True)
        big = static / "big.bin"
        if not big.exists() or big.stat().st_size != 64 << 20:
            big.write_bytes(bytes(range(256)) * (256 << 10))
        port = free_port()
        proc, lines = start_server(site, port)
        try:
            urls = discover(port)
            print(f"{len(urls)} URLs: {', '.join(urls[:6])}, …")
            asyncio.run(run(args, site, port, urls, proc.pid))
        finally:
            proc.terminate()
            proc.wait(60)
        if any("Traceback" in line for line in lines):
            print("server printed a traceback:\n" + "".join(lines))


if __name__ == "__main__":
    main()
