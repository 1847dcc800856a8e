#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent census of .tflite files, for cross-checking TinyScope's loader.

It walks the flatbuffer by hand (root offset, vtables, vectors) with nothing but the standard library, so it
shares no code with the C++ loader or with flatc. Field slots are facts of the TensorFlow Lite format.
Prints one tab-separated line per model: file, subgraphs, operators per subgraph, tensors per subgraph,
buffers, and the operator types of subgraph 0 with their counts.

    python3 tests/tools/tflite_census.py ../shared/models/*.tflite > tests/data/shared_models_census.tsv
"""
import struct
import sys
from collections import Counter
from pathlib import Path


class Table:
    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        vt = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vt_len = struct.unpack_from("<H", buf, vt)[0]
        self.vt = vt

    def _field(self, slot):
        off = 4 + 2 * slot
        if off >= self.vt_len:
            return 0
        return struct.unpack_from("<H", self.buf, self.vt + off)[0]

    def scalar(self, slot, fmt, default=0):
        f = self._field(slot)
        return struct.unpack_from("<" + fmt, self.buf, self.pos + f)[0] if f else default

    def _indirect(self, slot):
        f = self._field(slot)
        if not f:
            return None
        p = self.pos + f
        return p + struct.unpack_from("<I", self.buf, p)[0]

    def vector_len(self, slot):
        p = self._indirect(slot)
        return struct.unpack_from("<I", self.buf, p)[0] if p is not None else 0

    def tables(self, slot):
        p = self._indirect(slot)
        if p is None:
            return []
        n = struct.unpack_from("<I", self.buf, p)[0]
        out = []
        for i in range(n):
            e = p + 4 + 4 * i
            out.append(Table(self.buf, e + struct.unpack_from("<I", self.buf, e)[0]))
        return out

    def string(self, slot):
        p = self._indirect(slot)
        if p is None:
            return ""
        n = struct.unpack_from("<I", self.buf, p)[0]
        return self.buf[p + 4:p + 4 + n].decode("utf-8", "replace")


# Builtin operator names by code, read from the project's schema (the enum is a fact of the format).
def builtin_names(schema):
    names, inside = {}, False
    for line in Path(schema).read_text().splitlines():
        if line.startswith("enum BuiltinOperator"):
            inside = True
        elif inside and line.startswith("}"):
            break
        elif inside and "=" in line:
            name, value = line.strip().rstrip(",").split("=")
            names[int(value)] = name.strip()
    return names


def census(path, names):
    buf = Path(path).read_bytes()
    model = Table(buf, struct.unpack_from("<I", buf, 0)[0])
    codes = []
    for oc in model.tables(1):
        code = max(oc.scalar(0, "b"), oc.scalar(3, "i"))
        codes.append(oc.string(1) if code == 32 else names.get(code, "BUILTIN_%d" % code))
    subgraphs = model.tables(2)
    ops = [len(sg.tables(3)) for sg in subgraphs]
    tensors = [sg.vector_len(0) for sg in subgraphs]
    types = Counter(codes[op.scalar(0, "I")] for op in subgraphs[0].tables(3)) if subgraphs else Counter()
    hist = " ".join("%s:%d" % kv for kv in sorted(types.items()))
    return [Path(path).name, str(len(subgraphs)), ",".join(map(str, ops)), ",".join(map(str, tensors)),
            str(model.vector_len(4)), hist]


def main():
    schema = Path(__file__).resolve().parents[2] / "profiler/tflite/schema/tflite.fbs"
    names = builtin_names(schema)
    print("file\tsubgraphs\toperators\ttensors\tbuffers\ttypes_subgraph0")
    for path in sorted(sys.argv[1:]):
        print("\t".join(census(path, names)))


if __name__ == "__main__":
    main()
