"""Zip (Python): compress 3 files into one zip archive (deflate) with zipfile.

Input: {"files": [{"name", "content"}, x3]} (text generated from the seed, about 32 KiB each).
Output: {"zip": base64 archive, "bytes", "entries": [names]}.
"""
import base64
import io
import random
import zipfile

from isawatt_input import field

WORDS = ("energy watt joule core socket cluster placement function worker cgroup arm x86 "
         "latency throughput power idle active profile model solver host agent").split()
FILE_BYTES = 32 * 1024


def _text(rng, kind):
    parts, size = [], 0
    while size < FILE_BYTES:
        if kind == "csv":
            line = "%d,%s,%.3f,%d\n" % (rng.randrange(10**6), rng.choice(WORDS), rng.uniform(0, 500), rng.randrange(64))
        else:
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(6, 16))) + ".\n"
        parts.append(line)
        size += len(line)
    return "".join(parts)


def make_input(seed):
    rng = random.Random(seed)
    return {"files": [
        {"name": "report.txt", "content": _text(rng, "txt")},
        {"name": "metrics.csv", "content": _text(rng, "csv")},
        {"name": "notes/readme.md", "content": _text(rng, "txt")},
    ]}


def handler(event):
    files = field(event, "files", list, "a non-empty array of {name, content}")
    if not files:
        raise ValueError('input "files" must be a non-empty array of {name, content}')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for f in files:
            archive.writestr(f["name"], f["content"].encode("utf-8"))
    data = buf.getvalue()
    return {"zip": base64.b64encode(data).decode("ascii"), "bytes": len(data), "entries": [f["name"] for f in files]}
