import type { Sample } from '../dataset/types.ts';

/** Test helper: a W×H image of one grey level v with one box covering [x1,x2)×[y1,y2) (class `cls`). */
export function solid(
  name: string,
  W: number,
  H: number,
  v: number,
  box: [number, number, number, number] | null,
  cls = 0,
): Sample {
  return {
    name,
    width: W,
    height: H,
    image: new Uint8Array(W * H * 3).fill(v),
    objects: box ? [{ cls, x1: box[0], y1: box[1], x2: box[2], y2: box[3], difficult: false, truncated: false }] : [],
  };
}
