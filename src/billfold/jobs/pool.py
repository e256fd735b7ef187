"""Several worker processes on one database; the calling process is one of them.

Why: one worker waits for PostgreSQL after every batch. With a second process on a second
core, one builds its batch while PostgreSQL writes the other's. Batches claim their work
``FOR UPDATE SKIP LOCKED`` (:mod:`billfold.jobs.worker`), so the processes take disjoint
sets, and the unique renewal key makes a renewal that raced another a no-op. SQLite has one
writer at a time: run one process there.

The children are forked (spawned where fork is unavailable) before the parent opens its
own connection, and each builds its :class:`Worker` after it starts: no connection crosses
a fork. With ``concurrency=1`` there is no child at all.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from billfold.clock import Clock, FrozenClock, SystemClock, from_unix
from billfold.db import Database
from billfold.jobs.bulk import renew_plain
from billfold.jobs.worker import Worker
from billfold.payments import get_gateway

__all__ = ["Outcome", "WorkerSpec", "run_forever", "run_until_idle", "stop_on_signals"]

log = logging.getLogger("billfold.worker")
_SIGNALS = {signal.SIGTERM, signal.SIGINT}
# Fork where there is one (Linux): a child starts at once, its imports already done.
_CONTEXT = (
    multiprocessing.get_context("fork")
    if "fork" in multiprocessing.get_all_start_methods()
    else multiprocessing.get_context("spawn")
)


@dataclass(frozen=True)
class WorkerSpec:
    """What a process needs to build its own :class:`Worker`: plain data, so it also survives a spawn."""

    database_url: str
    batch_size: int
    api_version: str | None
    public_base_url: str
    now: int | None = None  # run as if it were this unix time; None: the real time

    def build(self) -> Worker:
        """A worker on a new connection of this process."""
        clock: Clock = SystemClock() if self.now is None else FrozenClock(from_unix(self.now))
        return Worker(
            Database(self.database_url),
            clock,
            get_gateway(),
            self.batch_size,
            self.api_version,
            self.public_base_url,
            bulk=renew_plain,
        )


@dataclass(frozen=True)
class Outcome:
    """What ``run_until_idle`` did in all processes; ``deaths`` describes children that failed."""

    processed: int
    skipped: frozenset[str]
    deaths: tuple[str, ...]


def stop_on_signals() -> threading.Event:
    """An event that SIGTERM and SIGINT set, so a batch in progress still commits (main thread only)."""
    stop = threading.Event()
    for signum in _SIGNALS:
        signal.signal(signum, lambda *_: stop.set())
    return stop


def run_until_idle(spec: WorkerSpec, concurrency: int) -> Outcome:
    """Every process runs until nothing is due; their totals and failed ids added up."""
    children: list[BaseProcess] = []
    receivers: list[Connection] = []
    try:
        for number in range(1, concurrency):
            receiver, sender = _CONTEXT.Pipe(duplex=False)
            children.append(_start(number, _until_idle_child, spec, sender))
            sender.close()  # the child holds the only sending end: its death reads as EOF
            receivers.append(receiver)
        processed, skipped = _until_idle(spec)
        for receiver in receivers:
            with receiver:
                try:
                    count, ids = receiver.recv()
                except EOFError:  # the child died before reporting; its exit code says how
                    continue
            processed += count
            skipped |= ids
        for child in children:
            child.join()
    finally:
        _stop(children)  # only after an error (Ctrl-C included) is any child still running
    deaths = tuple(_describe(child) for child in children if child.exitcode != 0)
    return Outcome(processed, frozenset(skipped), deaths)


def run_forever(spec: WorkerSpec, concurrency: int, interval: float, stop: threading.Event) -> tuple[str, ...]:
    """Every process runs batches until ``stop`` is set; returns how children that failed ended.

    A child that ends before ``stop`` is set sets it: the pool never goes on short-handed.
    Children stop on SIGTERM, which the parent forwards; they ignore SIGINT (Ctrl-C reaches
    the whole process group), so only the parent decides when they stop.
    """
    children = [_start(number, _forever_child, spec, interval) for number in range(1, concurrency)]
    early: list[BaseProcess] = []
    watcher = threading.Thread(target=_watch, args=(children, stop, early), name="billfold-pool-watcher", daemon=True)
    if children:
        watcher.start()
    try:
        worker = spec.build()
        try:
            worker.run_forever(interval, stop)
        finally:
            worker.db.close()
    finally:
        stop.set()
        _stop(children)
    if children:
        watcher.join()
    return tuple(_describe(child) for child in children if child in early or child.exitcode != 0)


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGTERM and SIGINT held back while forking, until the child has its own handlers."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _unblock_signals() -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)


def _start(number: int, target: Callable[..., None], *args: object) -> BaseProcess:
    process = _CONTEXT.Process(target=target, args=args, name=f"billfold-worker-{number}")
    with _signals_blocked():
        process.start()
    return process


def _until_idle(spec: WorkerSpec) -> tuple[int, set[str]]:
    worker = spec.build()
    try:
        return worker.run_until_idle(), set(worker.skipped)
    finally:
        worker.db.close()


def _until_idle_child(spec: WorkerSpec, sender: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _unblock_signals()
    processed, skipped = _until_idle(spec)
    sender.send((processed, frozenset(skipped)))
    sender.close()


def _forever_child(spec: WorkerSpec, interval: float) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    _unblock_signals()
    _stop_with_parent(stop)
    worker = spec.build()
    try:
        worker.run_forever(interval, stop)
    finally:
        worker.db.close()


def _stop_with_parent(stop: threading.Event) -> None:
    """Set ``stop`` when the parent ends: killed outright, it could not forward SIGTERM, and no orphan runs on."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])  # readable once the parent (and any sibling forked after us) has exited
        stop.set()

    threading.Thread(target=watch, name="billfold-parent-watcher", daemon=True).start()


def _watch(children: list[BaseProcess], stop: threading.Event, early: list[BaseProcess]) -> None:
    """Wait for any child to end; if the pool was not stopping, log it and stop the rest."""
    ended = wait([child.sentinel for child in children])
    if stop.is_set():
        return
    for child in children:
        if child.sentinel in ended:
            child.join()  # its sentinel can turn ready a moment before its exit code is there to read
            early.append(child)
            log.error("%s; stopping the other worker processes", _describe(child))
    stop.set()


def _stop(children: list[BaseProcess]) -> None:
    """SIGTERM to the children still running (a batch in progress commits or rolls back), then wait."""
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join()


def _describe(child: BaseProcess) -> str:
    code = child.exitcode
    if code is None:
        how = "is still running"
    elif code < 0:
        how = f"was killed by {signal.Signals(-code).name}"
    elif code == 0:
        how = "stopped before the others"
    else:
        how = f"exited with code {code}"
    return f"worker process {child.name} (pid {child.pid}) {how}"
