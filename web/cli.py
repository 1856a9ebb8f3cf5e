"""`cx-tracker serve`: the web UI behind a production WSGI server (waitress).

Registered with the `cx-tracker` group through the `cx_tracker.commands` entry point, so the
`tracker` package never imports `web`.
"""

from __future__ import annotations

import sys

import click

from tracker.cli.common import data_option, reports_errors
from tracker.cli.output import echo
from tracker.config import ConfigError, resolve_data_dir

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 5000


def run_server(data_dir: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, threads: int = 8,
               workers: int = 1) -> int:
    """Serve the web UI for `data_dir` until interrupted: one application instance per process,
    in this process (`workers` 1) or in `workers` child processes (see `web.workers`). Returns
    the exit status: 1 when a worker process stopped on its own."""
    import logging

    import waitress

    from web import create_app

    _check_port_free(host, port)  # before the app is built: a taken port is told at once
    # Start-up progress (readying the read models) and waitress's own notices, with their time.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if workers > 1:
        return _run_workers(data_dir, host, port, threads, workers)
    app = create_app({"DATA_DIR": data_dir})
    # waitress refuses a body at or above its limit (413) as soon as it reads the Content-Length,
    # before buffering it; the app's own limit then applies to what waitress lets through.
    body_limit = int(app.config["MAX_CONTENT_LENGTH"]) + 1
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="cx-tracker",
                                    max_request_body_size=body_limit)  # binds: OSError if taken
    echo(f"Serving the web UI for {data_dir} on {base_url(host, port)} (Ctrl-C stops)")
    server.print_listen("Serving on http://{}:{}")
    settle_heap()
    server.run()
    return 0


def base_url(host: str, port: int) -> str:
    """The address to open in a browser: an IPv6 address goes in brackets (`http://[::1]:5000/`)."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def settle_heap() -> None:
    """Before serving: what start-up built (modules, templates, the app) lives as long as the
    process, so it moves out of the garbage collector's way (`gc.freeze`). Otherwise each full
    collection walks all of it again, a pause of ~80-90 ms under which every request in flight
    waits: about one in a thousand web writes, which with 8 clients is the 99th percentile."""
    import gc

    gc.collect()
    gc.freeze()


def _run_workers(data_dir: str, host: str, port: int, threads: int, workers: int) -> int:
    import logging

    from tracker.config import open_tracker, resolve_data_dir
    from web import workers as pool
    from web.services import ready_views

    data = resolve_data_dir(data_dir)
    tracker = open_tracker(data)
    try:  # once, here, so the workers only catch up the few events written meanwhile
        ready_views(data, tracker, logging.getLogger("web"))
    finally:
        tracker.close()
    listener = pool.listening_socket(host, port)  # OSError if taken
    echo(f"Serving the web UI for {data_dir} on {base_url(host, port)} with {workers} processes "
         f"of {threads} threads (Ctrl-C stops)")
    return pool.supervise(data_dir, listener, workers, threads)


def _check_port_free(host: str, port: int) -> None:
    """Raise OSError when nothing could listen on host:port (taken, or not ours to take)."""
    import socket

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress binds
        probe.bind(address)


@click.command()
@data_option
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads of the WSGI server (in each process).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port and the data directory (one per CPU core "
                   "serves the most requests at once; a process that stops stops them all).")
@click.option("--remind-every", metavar="MINUTES", default=None, type=click.FloatRange(min=1),
              help="Also run `cx-tracker remind` every MINUTES (default: never; use cron instead).")
@reports_errors
def serve(data_dir: str | None, host: str, port: int, threads: int, workers: int,
          remind_every: float | None) -> None:
    """Serve the web UI with a production WSGI server (waitress)."""
    data = resolve_data_dir(data_dir)
    if workers > 1 and not sys.platform.startswith("linux"):
        # The parent hands connections to the workers over Unix SOCK_SEQPACKET pairs
        # (web.handed), which not every system has.
        raise ConfigError("--workers above 1 needs Linux; elsewhere run one process per port "
                          "behind a proxy (docs/deployment.md)")
    from tracker.config import open_tracker

    open_tracker(data).close()  # a clear error before the server starts when the data is unusable
    if remind_every:
        import threading

        from projections.reminders.cli import start_schedule

        start_schedule(str(data.path), remind_every, threading.Event())
        click.echo(f"Sending reminders every {remind_every:g} minutes.")
    try:
        status = run_server(str(data.path), host, port, threads, workers)
    except OSError as e:  # typically: the port is taken, or a privileged one
        raise ConfigError(f"cannot serve on {host}:{port} ({e.strerror or e}): is another server "
                          "using it? Stop it or choose another --port") from e
    if status:
        raise SystemExit(status)
