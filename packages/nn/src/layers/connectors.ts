import * as tf from '@tensorflow/tfjs';
import { DataError, type Rng } from '@kd/core';
import { resizeBilinear } from '@kd/runtime';
import { BatchNorm2d } from '../batch-norm.ts';
import { Conv2d } from '../conv2d.ts';
import { Module } from '../module.ts';
import type { TapSpec } from '../taps.ts';

/**
 * - `identity`: nothing (channels and strides must already match);
 * - `resize`: bilinear (half-pixel) resize to the teacher's grid; channels must match;
 * - `conv1x1`: 1×1 conv Cs→Ct with bias (+ resize when strides differ);
 * - `conv-bn`: 1×1 conv without bias → BatchNorm (+ resize when strides differ);
 * - `auto` (default): `identity`/`resize` when channels match, else `conv1x1`.
 */
export type ConnectorKind = 'identity' | 'resize' | 'conv1x1' | 'conv-bn' | 'auto';
export const CONNECTOR_KINDS: readonly ConnectorKind[] = ['identity', 'resize', 'conv1x1', 'conv-bn', 'auto'];

/** `[2,8,8,16]`: how the connector's errors print a shape. */
const fmtShape = (t: tf.Tensor): string => `[${t.shape.join(',')}]`;
const tapLabel = (role: string, t: TapSpec) => `${role} tap '${t.name}' (${t.channels} ch @ stride ${t.stride})`;

/**
 * Maps a student tap onto a teacher tap: [N, H/ss, W/ss, Cs] → [N, H/st, W/st, Ct]. Built from the
 * two `TapSpec`s (no hand-sized channels); `forward` checks the actual tensors against the
 * declarations and names both taps and shapes when they disagree.
 *
 * @example
 *   const c = connectorFor(rng.fork('fitnet'), tapSpec(student, 'x3'), tapSpec(teacher, 'x3'));
 *   const loss = fitnet(c.forward(sFeat, tFeat), tFeat);
 *   // train c.trainableVariables() with the student
 */
export class Connector extends Module {
  readonly conv: Conv2d | null;
  readonly bn: BatchNorm2d | null;
  readonly kind: Exclude<ConnectorKind, 'auto'>;

  constructor(
    rng: Rng,
    readonly student: TapSpec,
    readonly teacher: TapSpec,
    kind: ConnectorKind = 'auto',
  ) {
    super();
    const sameC = student.channels === teacher.channels;
    const sameStride = student.stride === teacher.stride;
    this.kind = kind === 'auto' ? (sameC ? (sameStride ? 'identity' : 'resize') : 'conv1x1') : kind;
    if ((this.kind === 'identity' || this.kind === 'resize') && !sameC) {
      throw new DataError(
        `connector '${this.kind}' cannot map ${tapLabel('student', student)} onto ${tapLabel('teacher', teacher)}: channels differ; use conv1x1 or conv-bn`,
      );
    }
    if (this.kind === 'identity' && !sameStride) {
      throw new DataError(
        `connector 'identity' cannot map ${tapLabel('student', student)} onto ${tapLabel('teacher', teacher)}: strides differ; use resize`,
      );
    }
    const conv = this.kind === 'conv1x1' || this.kind === 'conv-bn';
    this.conv = conv
      ? this.child(
          'conv',
          new Conv2d(rng, student.channels, teacher.channels, { kernel: 1, bias: this.kind === 'conv1x1' }),
        )
      : null;
    this.bn = this.kind === 'conv-bn' ? this.child('bn', new BatchNorm2d(teacher.channels)) : null;
  }

  /**
   * x: the student tap [N,Hs,Ws,Cs] → [N,Ht,Wt,Ct]. The target grid is the teacher tensor's when
   * given, else derived from the strides (Hs·ss/st).
   */
  forward(x: tf.Tensor4D, teacherFeature?: tf.Tensor4D): tf.Tensor4D {
    const { student: s, teacher: t } = this;
    if (x.rank !== 4 || x.shape[3] !== s.channels) {
      throw new DataError(`connector: student tensor ${fmtShape(x)} does not match ${tapLabel('student', s)}`);
    }
    if (
      teacherFeature &&
      (teacherFeature.rank !== 4 || teacherFeature.shape[3] !== t.channels || teacherFeature.shape[0] !== x.shape[0])
    ) {
      throw new DataError(
        `connector: teacher tensor ${fmtShape(teacherFeature)} does not match ${tapLabel('teacher', t)} (student tensor ${fmtShape(x)})`,
      );
    }
    const size: [number, number] = teacherFeature
      ? [teacherFeature.shape[1], teacherFeature.shape[2]]
      : [Math.round((x.shape[1] * s.stride) / t.stride), Math.round((x.shape[2] * s.stride) / t.stride)];
    if (this.kind === 'identity' && (size[0] !== x.shape[1] || size[1] !== x.shape[2])) {
      throw new DataError(
        `connector 'identity': student tensor ${fmtShape(x)} (${tapLabel('student', s)}) and teacher grid [${size.join(',')}] (${tapLabel('teacher', t)}) differ; use resize`,
      );
    }
    return tf.tidy(() => {
      let y = x;
      if (this.conv) y = this.conv.forward(y);
      if (this.bn) y = this.bn.forward(y);
      if (y.shape[1] !== size[0] || y.shape[2] !== size[1]) y = resizeBilinear(y, size);
      return y === x ? x.clone() : y;
    });
  }
}

/** The connector for a (student tap, teacher tap) pair; see `Connector`. */
export function connectorFor(rng: Rng, student: TapSpec, teacher: TapSpec, kind: ConnectorKind = 'auto'): Connector {
  return new Connector(rng, student, teacher, kind);
}
