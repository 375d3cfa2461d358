"""Progress of long commands on stderr: fits done, elapsed and time left.

A tqdm bar when stderr is a terminal and tqdm is installed (the ``cli``
extra); otherwise a plain counter line, at most one every few seconds, so
that logs of long runs stay short.
"""

import sys
import time

PLAIN_LINE_EVERY = 5.0  # seconds between two counter lines


def _seconds(value):
    value = int(round(value))
    return f"{value // 60}:{value % 60:02d}"


class Progress:
    """Count ``total`` fits; ``update(n, label)`` after each batch of them."""

    def __init__(self, total, *, stream=None, unit="fits"):
        self.total = total
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.start = self.last_line = time.perf_counter()
        self.bar = self._tqdm_bar()

    def _tqdm_bar(self):
        isatty = getattr(self.stream, "isatty", None)
        if isatty is None or not isatty():
            return None
        try:
            from tqdm import tqdm
        except ImportError:
            return None
        return tqdm(total=self.total, file=self.stream, unit=self.unit.rstrip("s"))

    def update(self, n=1, label=""):
        self.done += n
        if self.bar is not None:
            self.bar.set_postfix_str(label, refresh=False)
            self.bar.update(n)
            return
        now = time.perf_counter()
        if self.done >= self.total or now - self.last_line >= PLAIN_LINE_EVERY:
            self.last_line = now
            print(self.counter_line(now, label), file=self.stream, flush=True)

    def counter_line(self, now, label=""):
        elapsed = now - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        line = (
            f"[{self.done}/{self.total} {self.unit}, {_seconds(elapsed)} elapsed, "
            f"~{_seconds(left)} left]"
        )
        return f"{line} {label}".rstrip()

    def close(self):
        if self.bar is not None:
            self.bar.close()
