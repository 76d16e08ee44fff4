"""`titrate serve`: start the clinician's web app on this machine.

The web stack (FastAPI, uvicorn, Jinja2) is imported only inside the command, so `titrate plan` never
pays for it and works without the `web` extra.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from titrate.cli.inputs import zone_or_none
from titrate.cli.options import Whole
from titrate.errors import StoreError
from titrate.service.machine import generated_now

__all__ = ["default_db", "serve"]


def default_db() -> Path:
    """The platform's per-user data folder: %LOCALAPPDATA% on Windows, ~/Library/Application Support on
    macOS, $XDG_DATA_HOME (default ~/.local/share) elsewhere."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "titrate" / "titrate.db"


def is_loopback(host: str) -> bool:
    import ipaddress  # --help loads this module too: its imports wait for 'serve'

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> list[str]:
    """The Host headers this server answers to (everything else is refused: DNS rebinding): its own address
    and port, by name or number. A wildcard address (0.0.0.0, ::) answers to this machine's name and
    addresses as well as to loopback."""
    import socket

    names = {host}
    if is_loopback(host) or host in ("0.0.0.0", "::"):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    if host in ("0.0.0.0", "::"):
        machine = socket.gethostname()
        names |= {machine, socket.getfqdn(machine)}
        with contextlib.suppress(OSError):  # a machine whose own name does not resolve is reached by its address
            names |= {str(info[4][0]) for info in socket.getaddrinfo(machine, None)}
    bracketed = {f"[{name}]" if ":" in name and not name.startswith("[") else name for name in names}
    return sorted({f"{name}:{port}" for name in bracketed} | (bracketed if port == 80 else set()))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this machine needs --allow-remote.")
@click.option("--port", type=Whole(0, 65535), default=0, help="Port [default: a free one].")
@click.option("--allow-remote", is_flag=True, help="Allow a --host that other machines can reach.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help=f"The patient database (SQLite) [default: {default_db()}].")
@click.option("--open", "open_browser", is_flag=True, help="Open the app in a web browser.")
def serve(host: str, port: int, allow_remote: bool, db_path: Path | None, open_browser: bool) -> None:
    """Start the clinician's web app (needs: pip install "titrate[web]")."""
    import secrets
    import socket
    import webbrowser

    if not is_loopback(host) and not allow_remote:
        raise click.UsageError(f"--host {host} can be reached from other machines; add --allow-remote if "
                               "that is what you want")
    try:
        import uvicorn

        from titrate.web.app import create_app
    except ImportError as error:
        raise click.ClickException(f"the web app needs its extra: pip install \"titrate[web]\" ({error.name} "
                                   "is missing)") from None
    from titrate.service.store import Store  # sqlite3 and the store load only to serve
    try:
        store = Store(db_path or default_db())
    except (StoreError, OSError) as error:
        raise click.ClickException(f"cannot open the database: {error}") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections whose
    # socket says it is TCP; left on, every response with a body waited ~40 ms for the client's delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(128)  # connections queue from now, so the printed URL works at once
    except OSError as error:
        listener.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    port = listener.getsockname()[1]
    secret = secrets.token_urlsafe(24)
    app = create_app(store=store, secret=secret, allowed_hosts=allowed_hosts(host, port), clock=generated_now,
                     default_zone=zone_or_none())
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/?token={secret}"
    if not is_loopback(host):
        click.echo(f"Warning: titrate is reachable from other machines at {host}:{port}, over plain HTTP. Anyone "
                   "on the network who sees the address can read patient data.", err=True)
    click.echo(f"titrate is running: {url}\nDatabase: {store.path}\nStop with Ctrl-C.")
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    # Ctrl-C: uvicorn finishes the requests in flight, stops, then re-raises KeyboardInterrupt.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[listener])
    click.echo("titrate stopped.")
