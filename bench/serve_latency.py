"""How long `mkdocs serve` takes to show an edited register: from saving the
file to the new text being served, in the default language and in the last
one, against the time a full `mkdocs build` of the same site takes.

    python bench/serve_latency.py --registers 300 [--languages fi en] [--edits 3] [--dirty]

With --dirty, the server runs `mkdocs serve --dirty --no-strict`: only pages
older than their sources are built again.

Generates a synthetic site (see synthetic.py), times one `mkdocs build` of it
(wall clock and CPU), then starts `python -m mkdocs serve --livereload` on
127.0.0.1, waits for the first build, edits the name of one register several
times and polls its pages until the new name appears. Each edit's line gives
the latency (wall clock, which is what an author waits) and the CPU time the
server used for the rebuild. The last line is
`serve_latency_s=<median> full_build_s=<s> ratio=<latency/full build> registers=<N> languages=<count>`
(both wall clock, measured in the same run, so that a busy machine slows both).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a running process (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def full_build(site: Path, work: Path, env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one `mkdocs build` of the site, as in CI."""
    started = time.perf_counter()
    with open(work / "build.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(work / "built")],
                                   cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mkdocs build failed:\n{(work / 'build.log').read_text(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(urls: list[str], text: str, deadline: float, server: subprocess.Popen) -> dict:
    """Seconds until each URL serves a page containing `text` (polled)."""
    started, seen = time.perf_counter(), {}
    while len(seen) < len(urls):
        if server.poll() is not None:
            raise SystemExit(f"mkdocs serve stopped (exit code {server.returncode})")
        if time.perf_counter() > deadline:
            raise SystemExit(f"{text!r} did not appear within the time limit")
        for url in urls:
            if url not in seen:
                page = fetch(url)
                if page is not None and text in page:
                    seen[url] = time.perf_counter() - started
        time.sleep(0.05)
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registers", type=int, required=True)
    parser.add_argument("--languages", nargs="+", default=["fi", "en"])
    parser.add_argument("--versions", type=int, default=2)
    parser.add_argument("--edits", type=int, default=3, help="edits to measure")
    parser.add_argument("--dirty", action="store_true",
                        help="serve with --dirty --no-strict (rebuild only the pages that changed)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds the whole run may take")
    args = parser.parse_args(argv)
    languages = tuple(args.languages)
    synthetic.check_languages(languages)
    deadline = time.perf_counter() + args.timeout

    work = Path(tempfile.mkdtemp(prefix="notices-serve-"))
    site = work / "site-project"
    server = None
    try:
        synthetic.make_site(site, args.registers, languages, args.versions)
        register = sorted(p for p in (site / "registers").glob("*.yml") if not p.name.startswith("_"))[
            args.registers // 2]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        build_wall, build_cpu = full_build(site, work, env)
        print(f"full build: {build_wall:.2f} s ({build_cpu:.2f} s CPU)", flush=True)
        port = free_port()
        command = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"]
        if args.dirty:
            command += ["--dirty", "--no-strict"]  # MkDocs warns about dirty builds
        log = open(work / "serve.log", "wb")
        started = time.perf_counter()
        server = subprocess.Popen(command, cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/"
        urls = [f"{base}{'' if i == 0 else lang + '/'}notices/{register.stem}/" for i, lang in enumerate(languages)]
        watched = [urls[0], urls[-1]] if len(urls) > 1 else urls
        text = register.read_text(encoding="utf-8")
        wait_for(watched, "notice-section", deadline, server)
        print(f"{args.registers} registers in {' '.join(languages)}: first build served after "
              f"{time.perf_counter() - started:.1f} s; editing {register.name}", flush=True)

        latencies, cpus = [], []
        for edit in range(1, args.edits + 1):
            marker = f"Muokattu{edit}x"
            # the name in every language, as an author would change it
            lines = text.split("\n")
            start = lines.index("name:")
            for i in range(start + 1, start + 1 + len(languages)):
                lines[i] = f"{lines[i]} {marker}"
            time.sleep(1.0)  # let the watcher settle after the previous build
            cpu_before = cpu_seconds(server.pid)
            register.write_text("\n".join(lines), encoding="utf-8")
            seen = wait_for(watched, marker, deadline, server)
            latencies.append(seen[watched[0]])
            cpu_after = cpu_seconds(server.pid)
            cpu = ""
            if None not in (cpu_before, cpu_after):
                cpus.append(cpu_after - cpu_before)
                cpu = f", server CPU {cpus[-1]:.2f} s"
            print(f"edit {edit}: {languages[0]} page {seen[watched[0]]:.2f} s, "
                  f"{languages[-1]} page {seen[watched[-1]]:.2f} s{cpu}", flush=True)
        latency = statistics.median(latencies)
        if cpus:  # CPU time is not charged for the time other programs take from the server
            print(f"CPU: rebuild {statistics.median(cpus):.2f} s (median), full build {build_cpu:.2f} s, "
                  f"ratio {statistics.median(cpus) / build_cpu:.3f}")
        print(f"mode: mkdocs serve --livereload{' --dirty --no-strict' if args.dirty else ''}; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"serve_latency_s={latency:.2f} full_build_s={build_wall:.2f} ratio={latency / build_wall:.3f} "
              f"registers={args.registers} languages={len(languages)}")
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
