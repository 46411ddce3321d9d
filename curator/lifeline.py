"""Worker processes end soon after the process that started them, whatever ended
it (SIGKILL included).

A pool's worker waits for work on a queue whose pipe it holds both ends of, so it
never sees its parent go; and a forkserver's workers hold the server's "alive" pipe,
so the server and the resource tracker stay for as long as they do. Each worker
therefore watches multiprocessing's parent sentinel: a pipe whose only writer is the
parent (the main process, for forkserver and spawn alike), so it reads end-of-file
the moment the parent is gone. The watching thread sleeps in the kernel until then.
Once the workers are gone, the forkserver and the resource tracker end by themselves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from multiprocessing.process import BaseProcess


def end_with_parent(*, ignore_interrupt: bool = False) -> None:
    """Call in a worker process (a pool's initializer): when its parent ends, so does
    it, at once and without cleanup (no one is left to take its results). With
    `ignore_interrupt`, Ctrl-C (sent to the whole process group) is left to the parent.
    In a process that no multiprocessing parent started, only the latter applies."""
    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), name="lifeline", daemon=True).start()


def _exit_after(parent: BaseProcess) -> None:
    parent.join()  # waits on the sentinel; returns only once it reads end-of-file
    os._exit(1)
