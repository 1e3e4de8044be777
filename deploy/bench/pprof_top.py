#!/usr/bin/env python3
"""Prints the heaviest functions of a Go pprof profile (gzipped profile.proto), without Go's
toolchain: `pprof_top.py PROFILE [MATCH] [COUNT]`. Shares are of the profile's last sample value
(CPU time, or mutex delay); only functions whose name contains one of MATCH's comma-separated
parts are listed, cumulative.
"""
import collections
import gzip
import sys


def varint(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def fields(data):
    """(field number, wire type, value) of one protobuf message."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 2:
            length, i = varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def integers(wire, value):
    """A repeated integer field, packed or not."""
    if wire == 0:
        return [value]
    out, i = [], 0
    while i < len(value):
        number, i = varint(value, i)
        out.append(number)
    return out


def main():
    path, patterns = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "").split(",")
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    samples, locations, functions, strings, types = [], {}, {}, [], []
    for number, wire, value in fields(data):
        if number == 1:  # sample_type
            types.append({n: v for n, _, v in fields(value)})
        elif number == 2:  # sample: location ids, values
            ids, values = [], []
            for n, w, v in fields(value):
                if n == 1:
                    ids += integers(w, v)
                elif n == 2:
                    values += integers(w, v)
            samples.append((ids, values))
        elif number == 4:  # location: id, lines (function ids)
            location, function_ids = None, []
            for n, _, v in fields(value):
                if n == 1:
                    location = v
                elif n == 4:
                    function_ids += [v2 for n2, _, v2 in fields(v) if n2 == 1]
            locations[location] = function_ids
        elif number == 5:  # function: id, name
            function = {n: v for n, _, v in fields(value)}
            functions[function.get(1)] = function.get(2, 0)
        elif number == 6:
            strings.append(value.decode("utf-8", "replace"))
    unit = strings[types[-1].get(2, 0)] if types else "?"
    cumulative, total = collections.Counter(), 0
    for ids, values in samples:
        total += values[-1]
        for name in {strings[functions.get(f, 0)] for i in ids for f in locations.get(i, [])}:
            cumulative[name] += values[-1]
    print(f"{path}: {strings[types[-1].get(1, 0)] if types else '?'} total {total / 1e9:.2f} s ({unit})")
    for name, value in [(n, v) for n, v in cumulative.most_common() if any(p in n for p in patterns)][:count]:
        print(f"  {100 * value / max(total, 1):5.1f}%  {name}")


if __name__ == "__main__":
    main()
