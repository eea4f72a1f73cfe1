"""A minimal safetensors writer (numpy + a JSON header), for hosts without the `safetensors` package.

Layout: u64-LE header length N, N bytes of JSON {"__metadata__": {...}, key: {"dtype": "F32",
"shape": [...], "data_offsets": [begin, end]}}, padded with spaces to 8 bytes, then the raw
little-endian float32 data. Every tensor is written as F32 (kdlab reads F32 only).
"""
import json
import os
import struct


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (key, float32 numpy array) in file order."""
    header = {'__metadata__': metadata or {}}
    off = 0
    blobs = []
    for key, arr in tensors:
        b = arr.astype('<f4', copy=False).tobytes(order='C')
        header[key] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    head = json.dumps(header, separators=(',', ':'))
    head += ' ' * ((8 - (8 + len(head)) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(head)))
        f.write(head.encode('utf-8'))
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
