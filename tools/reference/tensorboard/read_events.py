#!/usr/bin/python3
"""Independent reader of TensorBoard event files (standard library only).

Reads TFRecord framing (u64 length, masked CRC-32C of the length, data, masked CRC-32C of the
data), verifies both checksums with a bitwise CRC-32C written here, and decodes each record as
TensorBoard's Event proto by field number (tensorboard/compat/proto/event.proto, summary.proto):
    Event:   1 wall_time (double), 2 step (int64), 3 file_version (string), 5 summary (Summary)
    Summary: 1 value (repeated Value)
    Value:   1 tag (string), 2 simple_value (float), 4 image (Image), 7 node_name, 8 tensor, 9 metadata
    Image:   1 height, 2 width, 3 colorspace (int32), 4 encoded_image_string (bytes)
Prints one JSON list of events; images as {height, width, colorspace, png_bytes, png_sha256}.
Exits 1 with one line on a bad checksum or a truncated record.

Usage: /usr/bin/python3 tools/reference/tensorboard/read_events.py EVENTS_FILE
"""
import hashlib
import math
import json
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(buf, i)
        elif wire == 1:
            v = buf[i:i + 8]
            i += 8
        elif wire == 2:
            n, i = varint(buf, i)
            v = buf[i:i + n]
            i += n
        elif wire == 5:
            v = buf[i:i + 4]
            i += 4
        else:
            raise ValueError(f'unsupported wire type {wire}')
        yield num, wire, v


def image(buf):
    out = {}
    for num, _, v in fields(buf):
        if num in (1, 2, 3):
            out[{1: 'height', 2: 'width', 3: 'colorspace'}[num]] = v
        elif num == 4:
            out['png_bytes'] = len(v)
            out['png_sha256'] = hashlib.sha256(v).hexdigest()
    return out


def value(buf):
    out = {}
    for num, _, v in fields(buf):
        if num == 1:
            out['tag'] = v.decode('utf-8')
        elif num == 2:
            x = struct.unpack('<f', v)[0]
            out['simple_value'] = x if math.isfinite(x) else str(x)  # JSON has no NaN/inf: 'nan', 'inf', '-inf'
        elif num == 4:
            out['image'] = image(v)
    return out


def event(buf):
    out = {'step': 0}
    for num, _, v in fields(buf):
        if num == 1:
            out['wall_time'] = struct.unpack('<d', v)[0]
        elif num == 2:
            out['step'] = v
        elif num == 3:
            out['file_version'] = v.decode('utf-8')
        elif num == 5:
            out['summary'] = [value(x) for n, _, x in fields(v) if n == 1]
    return out


def read(path):
    data = open(path, 'rb').read()
    i, events = 0, []
    while i < len(data):
        if i + 12 > len(data):
            raise ValueError(f'truncated record header at byte {i}')
        head = data[i:i + 8]
        (n,) = struct.unpack('<Q', head)
        (hcrc,) = struct.unpack('<I', data[i + 8:i + 12])
        if hcrc != masked(head):
            raise ValueError(f'bad length checksum at byte {i}')
        body = data[i + 12:i + 12 + n]
        if len(body) < n or i + 16 + n > len(data):
            raise ValueError(f'truncated record at byte {i}')
        (dcrc,) = struct.unpack('<I', data[i + 12 + n:i + 16 + n])
        if dcrc != masked(body):
            raise ValueError(f'bad data checksum at byte {i}')
        events.append(event(body))
        i += 16 + n
    return events


if __name__ == '__main__':
    try:
        print(json.dumps(read(sys.argv[1])))
    except (ValueError, OSError, IndexError) as e:
        print(f'error: {sys.argv[1]}: {e}', file=sys.stderr)
        sys.exit(1)
