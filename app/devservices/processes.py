"""Stopping a child started in its own session: the whole process group, by its own pid."""

import os
import signal
import subprocess


def stop_process_group(process: subprocess.Popen | None, sig: int = signal.SIGTERM,
                       timeout: float = 10) -> None:
    """Send `sig` to the process's group, then SIGKILL it if it has not exited within `timeout`."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
