#!/usr/bin/python3
"""A gRPC client that is cut off mid-request, below any gRPC library.

Usage: h2_cut_off.py PORT PATH COUNT

On one HTTP/2 connection to 127.0.0.1:PORT, COUNT times: starts a call to
PATH ("/nml.listings.v1.ListingsService/ScreenDomains"), sends the first 10
of the 100 bytes its request message announces, waits 50 ms, and cancels
the stream with RST_STREAM(CANCEL), as h2load does to the calls in flight
at the end of its run. Uses Debian's python3-h2.
"""
import socket
import sys
import time

import h2.config
import h2.connection
import h2.errors


def main():
    port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(
        h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    # A gRPC frame header announcing 100 bytes, then 10 of them.
    partial = b"\x00\x00\x00\x00\x64" + b"\x0a\x08" + b"x" * 8
    for _ in range(count):
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, [
            (":method", "POST"), (":scheme", "http"), (":path", path),
            (":authority", f"127.0.0.1:{port}"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ])
        conn.send_data(stream, partial)
        sock.sendall(conn.data_to_send())
        time.sleep(0.05)
        conn.reset_stream(stream, h2.errors.ErrorCodes.CANCEL)
        sock.sendall(conn.data_to_send())
    time.sleep(0.5)
    sock.close()
    print(f"cut off {count} calls")


if __name__ == "__main__":
    main()
