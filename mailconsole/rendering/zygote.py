"""The process render workers are forked from: started clean, the engines imported once, a fork per worker.

multiprocessing's own fork server would re-run the caller's ``__main__`` in every worker, and under Streamlit
``__main__`` is the page script. This one is started as ``python -m mailconsole.rendering.zygote FD`` and knows
only one request on the socket FD: a file descriptor (one end of a socket pair) and the limits, answered with the
pid of a new worker serving jobs on that descriptor. It ends when its parent hangs up; so do the workers.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import sys

from mailconsole.rendering.engines import warm_up
from mailconsole.rendering.workers import RenderLimits, serve

PID = struct.Struct("!q")
MAX_REQUEST = 4096


def main(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps workers that end: no zombies
    while True:
        try:
            request, fds, _flags, _address = socket.recv_fds(control, MAX_REQUEST, 1)
        except OSError:
            return
        if not request or not fds:
            return
        limits = RenderLimits.model_validate_json(request)
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            code = 0
            try:
                serve(fds[0], limits)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(fds[0])
        control.sendall(PID.pack(pid))


if __name__ == "__main__":
    main(int(sys.argv[1]))
