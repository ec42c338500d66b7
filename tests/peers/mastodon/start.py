#!/usr/bin/env python3
"""Start mastodon-mock on 127.0.0.1 for Relais's loopback tests. Test-only.

Run it with any python3: it re-executes itself with tests/peers/mastodon/.venv
(install.sh makes it).

Environment (all optional):
  RELAIS_MASTODON_PORT      port; unset/0 = the kernel picks a free one (no race:
                            the socket is bound before the app is built)
  RELAIS_PEER_DATA_DIR      folder for uploaded media; default a fresh mkdtemp under
                            $TMPDIR, removed on exit. The database is in-memory.
  MASTODON_MOCK_RATELIMIT   "LIMIT/WINDOW_SECONDS" (e.g. "5/300") turns on the mock's
                            own per-token rate limiter (429 + X-RateLimit-* headers)
  MASTODON_MOCK_ENFORCE_SCOPES=1   403 when a token lacks read/write scope
  MASTODON_MOCK_PERMISSIVE=1       any/no bearer token acts as the first account
  MASTODON_MOCK_CONFIG      a .mastodon_mock.toml to load instead of the defaults
                            (the cwd is never searched)
  RELAIS_PEER_EXIT_ON_STDIN_CLOSE  1/0; default 1 when stdin is a pipe or socket
  RELAIS_PEER_PARENT_PID    exit when that process is gone (polled every 500 ms)
  RELAIS_PEER_ACCESS_LOG=1  uvicorn access log (to stderr)

Stdout carries exactly one line, once the server accepts connections:
  READY {"base":"http://127.0.0.1:P","token":"mock_token",...}
Logs go to stderr. SIGTERM/SIGINT (or the stdin/parent checks) stop it: exit 0.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_PY = HERE / ".venv" / "bin" / "python"

if Path(sys.prefix).resolve() != (HERE / ".venv").resolve():
    if not VENV_PY.exists():
        sys.exit(f"start.py: {VENV_PY} missing; run {HERE}/install.sh first")
    os.execv(str(VENV_PY), [str(VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:]])

import asyncio  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import stat  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

T0 = time.monotonic()

import uvicorn  # noqa: E402

import mastodon_mock  # noqa: E402
from mastodon_mock.app import create_app  # noqa: E402
from mastodon_mock.config import MastodonMockConfig  # noqa: E402


def log(*a: object) -> None:
    print("[mastodon-peer]", *a, file=sys.stderr, flush=True)


def main() -> None:
    port = int(os.environ.get("RELAIS_MASTODON_PORT") or 0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    sock.set_inheritable(True)
    port = sock.getsockname()[1]

    data_dir = os.environ.get("RELAIS_PEER_DATA_DIR")
    own_dir = not data_dir
    if own_dir:
        data_dir = tempfile.mkdtemp(prefix="relais-mastodon-")
    Path(data_dir).mkdir(parents=True, exist_ok=True)

    cfg_path = os.environ.get("MASTODON_MOCK_CONFIG")
    config = MastodonMockConfig.load(cfg_path) if cfg_path else MastodonMockConfig()
    config.database.path = ":memory:"
    config.server.host = "127.0.0.1"
    config.server.port = port
    config.domain = f"127.0.0.1:{port}"
    config.url_scheme = "http"
    config.media_storage_path = str(Path(data_dir) / "media")
    if rl := os.environ.get("MASTODON_MOCK_RATELIMIT"):
        limit, _, window = rl.partition("/")
        config.ratelimit.enabled = True
        config.ratelimit.limit = int(limit)
        config.ratelimit.window_seconds = int(window or 300)
    if os.environ.get("MASTODON_MOCK_ENFORCE_SCOPES") == "1":
        config.auth.enforce_scopes = True
    if os.environ.get("MASTODON_MOCK_PERMISSIVE") == "1":
        config.auth.permissive = True

    app = create_app(config)
    seed_token = next((a.access_token for a in config.seed.accounts if a.access_token), None)
    seed_user = next((a.username for a in config.seed.accounts), None)

    log_config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "default"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
    ready = {
        "base": f"http://127.0.0.1:{port}",
        "port": port,
        "token": seed_token,
        "username": seed_user,
        "faults": f"http://127.0.0.1:{port}/api/v1/_mock/faults",
        "oauth_code_for_seed_user": f"mockcode_{seed_user}",
        "ratelimit": config.ratelimit.model_dump() if config.ratelimit.enabled else None,
        "data_dir": data_dir,
        "pid": os.getpid(),
        "mastodon_mock": mastodon_mock.__version__,
        "mocked_version": config.mocked_version,
    }

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                ready["startup_ms"] = round((time.monotonic() - T0) * 1000)
                sys.stdout.write("READY " + json.dumps(ready) + "\n")
                sys.stdout.flush()

    server = Server(
        uvicorn.Config(
            app,
            log_config=log_config,
            access_log=os.environ.get("RELAIS_PEER_ACCESS_LOG") == "1",
            server_header=False,
            lifespan="on",
            timeout_graceful_shutdown=3,
        )
    )

    def stop(why: str) -> None:
        if not server.should_exit:
            log(f"stopping ({why})")
            server.should_exit = True

    flag = os.environ.get("RELAIS_PEER_EXIT_ON_STDIN_CLOSE")
    if flag is None:
        try:
            mode = os.fstat(0).st_mode
            watch_stdin = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
        except OSError:
            watch_stdin = False
    else:
        watch_stdin = flag == "1"
    if watch_stdin:
        def _stdin() -> None:
            try:
                while os.read(0, 65536):
                    pass
            except OSError:
                pass
            stop("stdin closed")
        threading.Thread(target=_stdin, daemon=True).start()

    parent = int(os.environ.get("RELAIS_PEER_PARENT_PID") or 0)
    if parent > 0:
        def _parent() -> None:
            while True:
                time.sleep(0.5)
                try:
                    os.kill(parent, 0)
                except ProcessLookupError:
                    stop(f"parent {parent} gone")
                    return
                except PermissionError:
                    pass
        threading.Thread(target=_parent, daemon=True).start()

    # uvicorn catches SIGINT/SIGTERM, shuts down gracefully, then restores the
    # previous handlers and re-raises the signal; with the default handler that
    # kills the process (exit 143) before the temp dir is removed. Make the
    # re-raised signal a clean exit 0 instead.
    def _exit0(sig: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit0)
    signal.signal(signal.SIGINT, _exit0)
    signal.signal(signal.SIGHUP, lambda _s, _f: stop("SIGHUP"))
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
