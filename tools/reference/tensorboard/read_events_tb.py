#!/usr/bin/python3
"""Reads an event file with TensorBoard's own loader (needs `pip install tensorboard`) and prints
the same JSON as read_events.py for scalars and images: TensorBoard's (Legacy)EventFileLoader
reads the TFRecord framing and parses its own Event proto, so this checks kdlab's writer against
the real consumer (the plain EventFileLoader would further migrate simple_value to tensors).

Usage: python3 tools/reference/tensorboard/read_events_tb.py EVENTS_FILE
"""
import hashlib
import json
import math
import sys

from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader


def main(path):
    out = []
    for e in LegacyEventFileLoader(path).Load():
        ev = {'step': e.step, 'wall_time': e.wall_time}
        if e.HasField('file_version'):
            ev['file_version'] = e.file_version
        if e.HasField('summary'):
            vals = []
            for v in e.summary.value:
                d = {'tag': v.tag}
                if v.HasField('simple_value'):
                    d['simple_value'] = v.simple_value if math.isfinite(v.simple_value) else str(v.simple_value)
                if v.HasField('image'):
                    im = v.image
                    d['image'] = {'height': im.height, 'width': im.width, 'colorspace': im.colorspace,
                                  'png_bytes': len(im.encoded_image_string),
                                  'png_sha256': hashlib.sha256(im.encoded_image_string).hexdigest()}
                vals.append(d)
            ev['summary'] = vals
        out.append(ev)
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1])
