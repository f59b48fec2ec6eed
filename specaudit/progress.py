"""A progress line on stderr for long audits: only when stderr is a terminal, never in logs.

The engine streams claims and does not know how many will come, so the line shows the count,
the rate and the elapsed time with a bouncing bar. Nothing is drawn for the first half second,
so a quick audit prints nothing at all; the line is erased when the audit ends.
"""
from __future__ import annotations

import sys
import time

WIDTH = 24


class Progress:
    def __init__(self, stream, *, delay: float = 0.5, interval: float = 0.1, clock=time.monotonic):
        self.stream, self.delay, self.interval, self.clock = stream, delay, interval, clock
        self.start = clock()
        self.last = 0.0
        self.drawn = False

    def __call__(self, n_claims: int) -> None:
        now = self.clock()
        elapsed = now - self.start
        if elapsed < self.delay or (self.drawn and now - self.last < self.interval):
            return
        self.last = now
        self.stream.write("\r" + self.line(n_claims, elapsed) + "\033[K")
        self.stream.flush()
        self.drawn = True

    @staticmethod
    def line(n_claims: int, elapsed: float) -> str:
        pos = int(elapsed * 8) % (2 * (WIDTH - 4))
        pos = pos if pos < WIDTH - 4 else 2 * (WIDTH - 4) - pos
        bar = " " * pos + "████" + " " * (WIDTH - 4 - pos)
        rate = n_claims / elapsed if elapsed > 0 else 0.0
        minutes, seconds = divmod(int(elapsed), 60)
        return f"specaudit: auditing [{bar}] {n_claims:,} claims · {rate:,.0f}/s · {minutes}:{seconds:02d}"

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def for_stream(stream=None) -> Progress | None:
    """A Progress on `stream` (default stderr) when it is a terminal, else None (silent)."""
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return Progress(stream) if tty else None
