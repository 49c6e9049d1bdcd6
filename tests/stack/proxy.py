"""A TCP proxy in front of Redis that the stack test turns bad on purpose.

``forward``: every byte goes through. ``refuse``: nothing listens on the port any more, so a
client's connect is refused at once, and open connections are cut. ``silent``: connections
are accepted and whatever is sent is swallowed; nothing ever comes back (a Redis that hangs,
or a half-dead network path), open connections included.
"""

from __future__ import annotations

import selectors
import socket
import struct
import threading
from typing import Literal

Mode = Literal["forward", "refuse", "silent"]


class FaultyProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode: Mode = "forward"
        self.port = 0
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._selector.register(self._wake_r, selectors.EVENT_READ, ("wake", None))
        self._running = True
        self.accepted = 0  # connections accepted, and bytes received from clients, in all
        self.received = 0
        self._listen()
        self._thread = threading.Thread(target=self._loop, name="faulty-proxy", daemon=True)
        self._thread.start()

    @property
    def url_netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, ("accept", None))

    def set_mode(self, mode: Mode) -> None:
        """Switch at once; open connections are cut when the mode changes."""
        with self._lock:
            if mode == self.mode:
                return
            self.mode = mode
            self._wake_w.send(b"x")

    def _apply_mode(self) -> None:
        with self._lock:
            mode = self.mode
        for client, upstream in self._pairs:
            self._close(client, upstream)
        self._pairs = []
        if mode == "refuse" and self._listener is not None:
            self._selector.unregister(self._listener)
            self._listener.close()
            self._listener = None
        elif mode != "refuse" and self._listener is None:
            self._listen()

    def _close(self, *sockets: socket.socket | None) -> None:
        for sock in sockets:
            if sock is None:
                continue
            try:
                self._selector.unregister(sock)
            except (KeyError, ValueError):
                pass
            try:
                # An abortive close (RST), as when the server process dies.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            except OSError:
                pass

    def _loop(self) -> None:
        while self._running:
            for key, _events in self._selector.select(timeout=1):
                kind, peer = key.data
                if kind == "wake":
                    self._wake_r.recv(4096)
                    self._apply_mode()
                elif kind == "accept":
                    self._accept()
                else:
                    self._relay(key.fileobj, peer)

    def _accept(self) -> None:
        if self._listener is None:
            return
        try:
            client, _address = self._listener.accept()
        except BlockingIOError:
            return
        self.accepted += 1
        upstream = None
        if self.mode == "forward":
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                client.close()
                return
            upstream.settimeout(5)
            self._selector.register(upstream, selectors.EVENT_READ, ("data", client))
        client.settimeout(5)
        # In silent mode the client's bytes are read and dropped (peer None).
        self._selector.register(client, selectors.EVENT_READ, ("data", upstream))
        self._pairs.append((client, upstream))

    def _relay(self, source: socket.socket, destination: socket.socket | None) -> None:
        try:
            data = source.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._close(source, destination)
            return
        if any(source is client for client, _upstream in self._pairs):
            self.received += len(data)
        if destination is not None and self.mode == "forward":
            try:
                destination.sendall(data)
            except OSError:
                self._close(source, destination)

    def close(self) -> None:
        self._running = False
        self._wake_w.send(b"x")
        self._thread.join(timeout=5)
        for client, upstream in self._pairs:
            self._close(client, upstream)
        if self._listener is not None:
            self._listener.close()
