"""Reads stdin to EOF; prints MiB/s from the first byte to EOF (the container's start is not counted)."""
import sys
import time

stream = sys.stdin.buffer
first = None
total = 0
while True:
    chunk = stream.read1(1 << 20)
    if not chunk:
        break
    if first is None:
        first = time.monotonic()
    total += len(chunk)
seconds = time.monotonic() - first if first else 0.0
print(f"{total / (1 << 20) / seconds if seconds else 0:.1f} {total}")
