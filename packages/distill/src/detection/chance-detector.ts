import type { Rng } from '@kd/core';
import type { Sample } from '@kd/data';
import type { DetBox } from '@kd/models';

/**
 * The "chance" reference for a detection table: per image, `n` boxes with centres uniform over
 * the image, sides uniform in [0.1, 0.6] of the image side, a uniform class and a uniform score.
 * A detector is "above chance" when its mAP clearly exceeds these boxes' mAP.
 */
export function chanceDetections(rng: Rng, samples: readonly Sample[], numClasses: number, n = 100): DetBox[][] {
  return samples.map((s) =>
    Array.from({ length: n }, () => {
      const w = rng.uniform(0.1, 0.6) * s.width,
        h = rng.uniform(0.1, 0.6) * s.height;
      const cx = rng.uniform(0, s.width),
        cy = rng.uniform(0, s.height);
      return {
        x1: Math.max(0, cx - w / 2),
        y1: Math.max(0, cy - h / 2),
        x2: Math.min(s.width, cx + w / 2),
        y2: Math.min(s.height, cy + h / 2),
        cls: rng.int(0, numClasses),
        score: rng.next(),
      };
    }),
  );
}
