"""``python -m fincache [args]``: starts ``fincache-server`` with the same arguments.

The server is the native binary installed with the package (in the environment's scripts
directory, next to this interpreter's other entry points); it replaces this process, so signals,
exit status and output are the server's own.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig


def server_binary() -> str:
    """Path of the installed ``fincache-server``; FileNotFoundError when it is missing."""
    candidates = [
        os.path.join(sysconfig.get_path("scripts"), "fincache-server"),
        os.path.join(os.path.dirname(sys.executable), "fincache-server"),
    ]
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("fincache-server")
    if found:
        return found
    raise FileNotFoundError("fincache-server is not installed next to this Python (pip install fincache)")


def main() -> None:
    exe = server_binary()
    os.execv(exe, [exe, *sys.argv[1:]])


if __name__ == "__main__":
    main()
