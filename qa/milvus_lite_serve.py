"""`python -m qa.milvus_lite_serve --data-dir D --host H --port P`: a Milvus Lite gRPC server that closes its
database on Ctrl-C, whatever its parent did with SIGINT.

`milvus-lite server` closes its database when Ctrl-C raises KeyboardInterrupt inside its serving loop. Started from a
parent that ignores SIGINT (pytest-xdist workers do, so do nohup-like launchers) the child inherits the ignored signal
and Python never raises it: every stop waited out the supervisor's grace and ended in SIGKILL. Setting Python's handler
back at the top instead left a window: a Ctrl-C between the port opening and the serving loop killed the server
without closing the database (seen under load in CI). Here a Ctrl-C that comes while the database opens is held
(blocked, not lost) and delivered inside the serving loop, which always stops the server and closes the database.
"""

from __future__ import annotations

import argparse
import signal


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.milvus_lite_serve")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # Held until the loop below: the server's threads, started meanwhile, hold it blocked too.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.default_int_handler)

    from milvus_lite.adapter.grpc.server import start_server_in_thread

    server, db, _ = start_server_in_thread(args.data_dir, args.host, args.port)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(grace=5)
        db.close()


if __name__ == "__main__":
    main()
