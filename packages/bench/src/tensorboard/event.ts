import { ProtoWriter } from './protobuf.ts';

/**
 * TensorBoard's Event and Summary messages (tensorboard/compat/proto/event.proto, summary.proto),
 * the fields kdlab writes:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; Image image = 4; }
 *   Image   { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
 * colorspace: 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA.
 */
export const FILE_VERSION = 'brain.Event:2';

export interface ImageSummary {
  height: number;
  width: number;
  colorspace: 1 | 2 | 3 | 4;
  png: Uint8Array;
}

function event(wallTime: number, step: number): ProtoWriter {
  const e = new ProtoWriter().double(1, wallTime);
  return step ? e.uint(2, step) : e; // proto3: the default 0 is not written
}

/** The first event of every file: `file_version = "brain.Event:2"`. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return event(wallTime, 0).string(3, FILE_VERSION).finish();
}

/** A scalar summary (`simple_value`, float32 on the wire). */
export function scalarEvent(tag: string, value: number, step: number, wallTime: number): Uint8Array {
  const v = new ProtoWriter().string(1, tag).float(2, value);
  return event(wallTime, step).message(5, new ProtoWriter().message(1, v)).finish();
}

/** An image summary carrying encoded PNG bytes. */
export function imageEvent(tag: string, img: ImageSummary, step: number, wallTime: number): Uint8Array {
  const im = new ProtoWriter().uint(1, img.height).uint(2, img.width).uint(3, img.colorspace).bytes(4, img.png);
  const v = new ProtoWriter().string(1, tag).message(4, im);
  return event(wallTime, step).message(5, new ProtoWriter().message(1, v)).finish();
}
