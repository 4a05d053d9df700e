"""`adplane serve --workers N`: N uvicorn processes, each accepting on a listening socket of its own.

uvicorn's process manager binds one socket and every worker accepts on it: the worker that wakes first takes
every pending connection, so a burst of connections (a proxy's pool, wrk's 50) can land almost all on one
worker. Here each worker gets its own socket, bound with ``SO_REUSEPORT`` to the same host and port, and the
Linux kernel hashes each new connection (addresses and ports) onto one of the listening sockets: connections
spread evenly over the workers, whichever of them is awake.

A supervisor of our own rather than a subclass of uvicorn's ``Multiprocess``: that class makes its workers
from one shared socket list in ``init_processes``, ``keep_subprocess_alive``, ``restart_all`` and
``handle_ttin``, and its ``Process`` changed its constructor between the uvicorn versions pyproject allows
(``Process(config, target, sockets)`` in 0.30, ``Process(config, sockets)`` in 0.55). A subclass would replace
nearly every method and still lean on that private structure. This module uses uvicorn's public ``Config``
and ``Server`` only (``Server.run(sockets=...)``, the entry uvicorn's own supervisors and gunicorn's worker
class use) and the standard library's ``multiprocessing`` "spawn" context, as uvicorn does.

How a socket lives:

- The supervisor binds each worker's socket (``SO_REUSEADDR``, ``SO_REUSEPORT``) without listening on it.
  The worker's uvicorn calls ``listen()`` once the application has started, and only a listening socket
  joins the kernel's group: no connection is handed to a worker that is still starting.
- A spawned process inherits only the descriptors it is given, so each worker holds its own socket and no
  other. The supervisor closes its copy once the worker listens: the socket then lives as long as the worker.
- A worker that dies is replaced by a new process on a new socket. One that dies before it listens failed to
  start (a broken app or settings, which a restart would not mend): the supervisor stops, status 3 (uvicorn's
  ``STARTUP_FAILURE``).
- A worker whose event loop stops turning (a request that blocks it, a deadlock, a process stopped by SIGSTOP)
  is killed and replaced, as gunicorn does with its ``--timeout``: uvicorn's server calls ``on_tick`` every
  0.1 s from its loop, and each tick stamps the monotonic clock into shared memory the supervisor reads
  (``_Heartbeat``). A listening worker whose last stamp is older than ``worker_timeout`` seconds gets SIGKILL
  (SIGTERM would wait on the stuck loop), then a replacement. CLOCK_MONOTONIC is the same clock in every
  process of the machine.
- SIGINT or SIGTERM: each worker gets SIGTERM (uvicorn's graceful shutdown) and is joined; a second SIGINT or
  SIGTERM kills the workers still running. As with uvicorn: SIGHUP replaces the workers one at a time (each
  replacement listens before the worker it replaces is stopped), SIGTTIN adds a worker, SIGTTOU retires one,
  and SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH are ignored.

Known limit: connections the kernel has queued on a worker's socket (handshake done, not yet accepted) are
reset when that worker dies or is stopped, since its socket closes with it. Linux 5.14+ can hand them to
another socket of the group instead: ``sysctl net.ipv4.tcp_migrate_req=1``.

Only Linux spreads connections over a ``SO_REUSEPORT`` group; macOS and the BSDs accept the option but give
new connections to one socket. Elsewhere ``serve`` keeps uvicorn's process manager and its single socket
(``balances_by_reuseport``).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from types import FrameType

import structlog
import uvicorn

log = structlog.get_logger("adplane.serve")

STARTUP_FAILURE = 3  # uvicorn's exit status for a server that could not start (uvicorn.config.STARTUP_FAILURE)
STARTING_POLL_S = 0.1  # how often the supervisor looks whether a starting worker listens yet
WORKER_TIMEOUT_S = 60.0  # a listening worker whose loop has not ticked for this long is killed and replaced
HEARTBEAT_CHECKS_PER_TIMEOUT = 4  # the supervisor reads the heartbeats this often per timeout (at most 1/s)
_IGNORED = ("SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH")  # caught (their default ends the process), ignored
_HANDLED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGTTIN", "SIGTTOU")


def balances_by_reuseport() -> bool:
    """Whether the kernel spreads new connections over the listening sockets of a ``SO_REUSEPORT`` group
    (Linux since 3.9; macOS and the BSDs have the option but hand all connections to one socket)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    """As uvicorn's ``Config.bind_socket``: IPv6 when the host has a colon ("::", "::1"), else IPv4
    ("0.0.0.0", "127.0.0.1", "" for every IPv4 address, or a name)."""
    return socket.AF_INET6 if host and ":" in host else socket.AF_INET


def bind_reuseport(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port with SO_REUSEADDR and SO_REUSEPORT, inheritable and not listening
    yet (the worker's uvicorn listens on it once its app has started)."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def refuse_taken_port(host: str, port: int) -> None:
    """Raise OSError (EADDRINUSE) when something listens on host:port already. ``SO_REUSEPORT`` alone would
    let the workers' sockets join another server's group there (one of the same user that set the option too)
    and share its connections; a socket without the option cannot bind beside a listening one. It has
    SO_REUSEADDR, as uvicorn's sockets do, so connections of a previous run in TIME_WAIT do not count."""
    with socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _listens(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) != 0


class _BeatingServer(uvicorn.Server):
    """uvicorn's server, stamping `heartbeat` on each tick of its main loop (every 0.1 s while it serves)."""

    def __init__(self, config: uvicorn.Config, heartbeat: ctypes.c_double) -> None:
        super().__init__(config)
        self._heartbeat = heartbeat

    async def on_tick(self, counter: int) -> bool:
        self._heartbeat.value = time.monotonic()
        return await super().on_tick(counter)


def serve_worker(config: uvicorn.Config, sock: socket.socket, heartbeat: ctypes.c_double) -> None:
    """A worker process (spawned): uvicorn's server on its own socket, stamping its heartbeat."""
    config.configure_logging()  # a spawned process starts with none (uvicorn's workers do the same)
    # Ctrl-C reaches the whole process group, and uvicorn raises KeyboardInterrupt again after its shutdown
    with contextlib.suppress(KeyboardInterrupt):
        _BeatingServer(config, heartbeat).run(sockets=[sock])


@dataclass(eq=False)
class _Worker:
    process: SpawnProcess
    sock: socket.socket | None  # the supervisor's copy, held until the worker listens on it
    # the monotonic time of the worker's last tick; the supervisor stamps it too when it sees the worker listen
    heartbeat: ctypes.c_double
    listening: bool = False
    retiring: bool = False  # stopped on purpose (SIGTTOU, SIGHUP): its exit is not a death to make up for
    replaces: _Worker | None = None  # SIGHUP: the worker this one stops once it listens
    killed: bool = False  # SIGKILL sent for a loop that stopped turning; its exit is awaited


class Supervisor:
    """Runs ``workers`` processes of ``config``'s app, each on its own ``SO_REUSEPORT`` socket, until SIGINT
    or SIGTERM; replaces a worker that dies, or whose loop has not ticked for `worker_timeout` seconds (0 or
    None: never). Run it from the main thread (it handles signals)."""

    def __init__(self, config: uvicorn.Config, workers: int, worker_timeout: float | None = WORKER_TIMEOUT_S) -> None:
        self.config = config
        self.count = workers
        self.worker_timeout = worker_timeout or None
        self.port = config.port  # the bound port once run() has bound the first socket (port 0: the kernel's)
        self._spawn = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._to_replace: list[_Worker] = []  # SIGHUP: workers still to replace, one at a time
        self._signals: list[int] = []
        self._stopping = False
        self._status = 0
        self._wakeup_r = self._wakeup_w = -1

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM (returns 0), or until a worker fails to start or the address cannot
        be bound (returns 3, after stopping the other workers)."""
        host = self.config.host
        try:
            if self.port:
                refuse_taken_port(host, self.port)
            first = bind_reuseport(host, self.port)
        except OSError as exc:
            log.error(f"cannot listen on {host}:{self.port}: {exc}", host=host, port=self.port)
            return STARTUP_FAILURE
        self.port = first.getsockname()[1]
        self._wakeup_r, self._wakeup_w = os.pipe()
        os.set_blocking(self._wakeup_r, False)
        os.set_blocking(self._wakeup_w, False)
        previous = {sig: signal.signal(sig, self._on_signal)
                    for name in (*_HANDLED, *_IGNORED) if (sig := getattr(signal, name, None)) is not None}
        try:
            log.info("serving with one socket per worker (SO_REUSEPORT)", host=host, port=self.port,
                     workers=self.count, supervisor_pid=os.getpid())
            self._start(first)
            for _ in range(self.count - 1):
                self._start()
            while not self._stopping:
                self._step()
        except OSError as exc:  # a replacement's socket could not be bound
            log.error(f"cannot listen on {host}:{self.port}: {exc}", host=host, port=self.port)
            self._status = STARTUP_FAILURE
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                if handler is not None:
                    signal.signal(sig, handler)
            os.close(self._wakeup_r)
            os.close(self._wakeup_w)
        return self._status

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals.append(signum)
        with contextlib.suppress(BlockingIOError):  # a full pipe wakes the main loop all the same
            os.write(self._wakeup_w, b"\0")

    def _wait(self, workers: list[_Worker], timeout: float | None) -> None:
        """Until a signal, the exit of one of `workers`, or the timeout."""
        wait([self._wakeup_r, *(w.process.sentinel for w in workers)], timeout)
        try:
            while os.read(self._wakeup_r, 512):
                pass
        except BlockingIOError:
            pass

    def _step(self) -> None:
        starting = any(not w.listening for w in self._workers)
        checking = min(1.0, self.worker_timeout / HEARTBEAT_CHECKS_PER_TIMEOUT) if self.worker_timeout else None
        self._wait(self._workers, STARTING_POLL_S if starting else checking)
        signals, self._signals = self._signals, []
        for signum in signals:
            self._handle(signum)
        for worker in list(self._workers):
            if worker.sock is not None and worker.process.is_alive() and _listens(worker.sock):
                self._listening(worker)
        for worker in list(self._workers):
            if not worker.process.is_alive():
                self._exited(worker)
        self._kill_stuck()
        self._continue_restart()

    def _kill_stuck(self) -> None:
        """SIGKILL to each listening worker whose loop has not ticked for `worker_timeout` seconds; its exit is
        then a death like any other (a replacement starts)."""
        if self.worker_timeout is None or self._stopping:
            return
        now = time.monotonic()
        for worker in self._workers:
            if not worker.listening or worker.retiring or worker.killed:
                continue
            silent = now - worker.heartbeat.value
            if silent > self.worker_timeout and worker.process.is_alive():
                log.error("a worker's event loop has not turned: killing it", pid=worker.process.pid,
                          silent_s=round(silent, 1), worker_timeout_s=self.worker_timeout)
                worker.killed = True
                worker.process.kill()

    def _handle(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if name in ("SIGINT", "SIGTERM"):
            log.info(f"{name}: stopping the workers")
            self._stopping = True
        elif self._stopping:
            log.debug(f"{name} ignored: stopping")
        elif name == "SIGHUP":
            log.info("SIGHUP: replacing the workers one at a time")
            self._to_replace = [w for w in self._workers if not w.retiring and w.replaces is None]
        elif name == "SIGTTIN":
            self.count += 1
            log.info("SIGTTIN: one worker more", workers=self.count)
            self._start()
        elif name == "SIGTTOU":
            active = [w for w in self._workers if not w.retiring]
            if self.count <= 1 or not active:
                log.info("SIGTTOU: one worker left, kept")
                return
            self.count -= 1
            log.info("SIGTTOU: one worker less", workers=self.count)
            self._retire(active[-1])
        else:
            log.debug(f"{name} ignored")

    def _start(self, sock: socket.socket | None = None, replaces: _Worker | None = None) -> None:
        sock = sock if sock is not None else bind_reuseport(self.config.host, self.port)
        heartbeat = self._spawn.RawValue(ctypes.c_double, 0.0)  # a double, written whole: no lock
        process = self._spawn.Process(target=serve_worker, args=(self.config, sock, heartbeat),
                                      name="adplane-serve-worker")
        try:
            process.start()
        except BaseException:
            sock.close()
            raise
        self._workers.append(_Worker(process, sock, heartbeat, replaces=replaces))
        log.info("worker started", pid=process.pid)

    def _listening(self, worker: _Worker) -> None:
        assert worker.sock is not None
        worker.sock.close()  # the worker's copy is the socket's last: it closes with the worker
        worker.sock = None
        worker.listening = True
        worker.heartbeat.value = time.monotonic()  # its first tick may come later
        log.info("worker listening", pid=worker.process.pid)
        if worker.replaces is not None:
            old, worker.replaces = worker.replaces, None
            self._retire(old)

    def _retire(self, worker: _Worker) -> None:
        worker.retiring = True
        if worker in self._to_replace:
            self._to_replace.remove(worker)
        if worker.replaces is not None:  # a replacement retired before it took over: the old worker stays
            worker.replaces = None
            self._to_replace.clear()
        worker.process.terminate()

    def _exited(self, worker: _Worker) -> None:
        worker.process.join()
        self._workers.remove(worker)
        if worker in self._to_replace:
            self._to_replace.remove(worker)
        started = worker.listening
        if worker.sock is not None:
            started = _listens(worker.sock)  # it may have listened since the last look
            worker.sock.close()
            worker.sock = None
        if worker.retiring or self._stopping:
            return
        pid, code = worker.process.pid, worker.process.exitcode
        if worker.replaces is not None:
            log.error("a SIGHUP replacement exited before taking over; the restart is abandoned", pid=pid,
                      exitcode=code, kept_pid=worker.replaces.process.pid)
            self._to_replace.clear()
            return
        if not started:
            log.error("a worker exited before listening: it failed to start; stopping", pid=pid, exitcode=code)
            self._status = STARTUP_FAILURE
            self._stopping = True
            return
        log.warning("a worker died; starting another", pid=pid, exitcode=code)
        self._start()

    def _continue_restart(self) -> None:
        if self._stopping or any(w.replaces is not None for w in self._workers):
            return  # one replacement at a time
        while self._to_replace:
            old = self._to_replace.pop(0)
            if old in self._workers and not old.retiring:
                self._start(replaces=old)
                return

    def _stop_all(self) -> None:
        """SIGTERM to every worker, then join them; a second SIGINT or SIGTERM meanwhile kills them."""
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.terminate()
        killed = False
        while running := [w for w in self._workers if w.process.is_alive()]:
            self._wait(running, None)
            signals, self._signals = self._signals, []
            if not killed and {signal.SIGINT, signal.SIGTERM} & set(signals):
                log.warning("second stop signal: killing the workers", pids=[w.process.pid for w in running])
                for worker in running:
                    worker.process.kill()
                killed = True
        for worker in self._workers:
            worker.process.join()
            if worker.sock is not None:
                worker.sock.close()
        log.info("workers stopped", pids=[w.process.pid for w in self._workers])
        self._workers.clear()
