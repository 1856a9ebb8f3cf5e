"""`cx-tracker serve`: the web UI behind a production WSGI server (waitress).

Registered with the `cx-tracker` group through the `cx_tracker.commands` entry point, so the
`tracker` package never imports `web`.
"""

from __future__ import annotations

import click

from tracker.cli.common import data_option, reports_errors
from tracker.cli.output import echo
from tracker.config import ConfigError, resolve_data_dir

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 5000


def run_server(data_dir: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, threads: int = 8) -> None:
    """Serve the web UI for `data_dir` until interrupted: one application instance per process."""
    import logging

    import waitress

    from web import create_app

    _check_port_free(host, port)  # before the app is built: a taken port is told at once
    # Start-up progress (readying the read models) and waitress's own notices, with their time.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app({"DATA_DIR": data_dir})
    # waitress refuses a body at or above its limit (413) as soon as it reads the Content-Length,
    # before buffering it; the app's own limit then applies to what waitress lets through.
    body_limit = int(app.config["MAX_CONTENT_LENGTH"]) + 1
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="cx-tracker",
                                    max_request_body_size=body_limit)  # binds: OSError if taken
    echo(f"Serving the web UI for {data_dir} on http://{host}:{port}/ (Ctrl-C stops)")
    server.print_listen("Serving on http://{}:{}")
    server.run()


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
              help="Worker threads of the WSGI server.")
@click.option("--remind-every", metavar="MINUTES", default=None, type=click.FloatRange(min=1),
              help="Also run `cx-tracker remind` every MINUTES (default: never; use cron instead).")
@reports_errors
def serve(data_dir: str | None, host: str, port: int, threads: int,
          remind_every: float | None) -> None:
    """Serve the web UI with a production WSGI server (waitress)."""
    data = resolve_data_dir(data_dir)
    from tracker.config import open_tracker

    open_tracker(data).close()  # a clear error before the server starts when the data is unusable
    if remind_every:
        import threading

        from projections.reminders.cli import start_schedule

        start_schedule(str(data.path), remind_every, threading.Event())
        click.echo(f"Sending reminders every {remind_every:g} minutes.")
    try:
        run_server(str(data.path), host, port, threads)
    except OSError as e:  # typically: the port is taken, or a privileged one
        raise ConfigError(f"cannot serve on {host}:{port} ({e.strerror or e}): is another server "
                          "using it? Stop it or choose another --port") from e
