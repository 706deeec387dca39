"""A wall against the network for queries over a store on disk.

The worker's :func:`pypolicy.sparql.worker.offline` forbids every new file descriptor,
which suits a store in memory. A store on disk is read by RocksDB, which opens its table
files lazily, while a query runs: under ``offline()`` such a query cannot read its data
(RocksDB does not even fail: it waits). So a query over a store on disk runs instead in
a network namespace of its own, where no interface is up: no connection can be made,
to another host or to 127.0.0.1, whatever code asks (rdflib's Python client, Oxigraph's
native one), while files open as usual. This does not depend on reading the query either.

Linux only, as root or where unprivileged user namespaces are allowed; elsewhere
:func:`leave_network` says it could not, and the caller falls back to ``offline()``.
"""

from __future__ import annotations

import sys
from typing import Final

CLONE_NEWNET: Final = 0x40000000
CLONE_NEWUSER: Final = 0x10000000


def leave_network() -> bool:
    """Move this process (a worker, single-threaded) into an empty network namespace;
    False when the system does not allow it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWNET) == 0:  # root, or CAP_SYS_ADMIN
            return True
        # Anyone, where unprivileged user namespaces are enabled (a user namespace owns
        # the new network namespace; files are still opened as the same user).
        return bool(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)
    except (OSError, AttributeError):
        return False
