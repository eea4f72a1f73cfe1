import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, UsageError, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { encodeSafetensors, sharedWeightsFile, type KdModel } from '@kd/models';
import { createWithWeights } from './create-with-weights.ts';
import { initProvenance, teacherCell, weightsCell } from './init-provenance.ts';

const MBV3 = sharedWeightsFile('mobilenetv3_large_x0_5_imagenet_paddleocr.safetensors');
const sha256sum = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
const values = (m: KdModel, prefix: string) =>
  m
    .namedParameters()
    .filter(([k]) => k.startsWith(prefix))
    .map(([, v]) => Array.from(v.dataSync()));
const scratch = scratchDirs();

describe('initProvenance', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => scratch.removeAll());

  it('writes the documented cells: scratch, imagenet:/file: with sha prefix, trained-here, loaded:, none', () => {
    expect(weightsCell({ policy: 'none' })).toBe('scratch');
    expect(weightsCell({ policy: 'imagenet', file: '/w/r50.safetensors', sha256: '0123456789abcdef' })).toBe(
      'imagenet:0123456789ab',
    );
    expect(weightsCell({ policy: 'file', file: '/w/r50.safetensors', sha256: 'aaaabbbbccccdddd' })).toBe(
      'file:r50.safetensors:aaaabbbbcccc',
    );
    expect(teacherCell({ trained: { policy: 'none' } })).toBe('trained-here');
    expect(teacherCell({ trained: { policy: 'imagenet', sha256: 'ffffeeeeddddcccc' } })).toBe(
      'trained-here+imagenet:ffffeeeedddd',
    );
    expect(teacherCell({ loaded: '/runs/x/student', sha256: '9'.repeat(64) })).toBe('loaded:student:999999999999');
    expect(initProvenance({})).toEqual({ teacher_init: 'none', student_init: 'none' });
    expect(initProvenance({ teacher: 'trained-here', student: { policy: 'none' } })).toEqual({
      teacher_init: 'trained-here',
      student_init: 'scratch',
    });
  });

  it('a family without a weights option takes none, and refuses imagenet naming the key and the model', () => {
    const { model, init } = createWithWeights('tinysod-s', { rng: new Rng(1) }, 'none', 'student_backbone_weights');
    expect(init).toEqual({ policy: 'none' });
    model.dispose();
    expect(() => createWithWeights('tinysod-s', { rng: new Rng(1) }, 'imagenet', 'student_backbone_weights')).toThrow(
      UsageError,
    );
    expect(() => createWithWeights('tinysod-s', { rng: new Rng(1) }, 'imagenet', 'student_backbone_weights')).toThrow(
      /student_backbone_weights=imagenet: model 'tinysod-s' takes no pretrained weights/,
    );
  });

  it('a missing file names the key and the path; a mismatching file names the key and the first three mismatches', () => {
    expect(() =>
      createWithWeights(
        'resnet18',
        { rng: new Rng(1), width: 0.125 },
        '/nowhere/r18.safetensors',
        'teacher_backbone_weights',
      ),
    ).toThrow('teacher_backbone_weights: weights file not found: /nowhere/r18.safetensors');
    const bad = path.join(scratch.make('kd-initprov-'), 'bad.safetensors');
    fs.writeFileSync(
      bad,
      encodeSafetensors(new Map([['features.0.0.weight', { shape: [2], data: new Float32Array(2) }]])),
    );
    expect(() =>
      createWithWeights('resnet18', { rng: new Rng(1), width: 0.125 }, bad, 'teacher_backbone_weights'),
    ).toThrow(
      /^teacher_backbone_weights=.*bad\.safetensors \(model 'resnet18'\): .*does not match the model; nothing loaded\. missing from file \(\d+\): conv1\.weight, bn1\.weight, bn1\.bias, … \d+ more\. not in model \(1\): features\.0\.0\.weight$/,
    );
  });

  it.skipIf(!fs.existsSync(MBV3))(
    "scfnet-mbv3-x0.5: none vs imagenet give different backbones, the same decoder, and cells with sha256sum's prefix",
    () => {
      const none = createWithWeights('scfnet-mbv3-x0.5', { rng: new Rng(5) }, 'none', 'student_backbone_weights');
      const imnet = createWithWeights('scfnet-mbv3-x0.5', { rng: new Rng(5) }, 'imagenet', 'student_backbone_weights');
      expect(values(none.model, 'bkbone.')).not.toEqual(values(imnet.model, 'bkbone.'));
      expect(values(none.model, 'mp.')).toEqual(values(imnet.model, 'mp.'));
      expect(initProvenance({ student: none.init }).student_init).toBe('scratch');
      expect(initProvenance({ student: imnet.init }).student_init).toBe(`imagenet:${sha256sum(MBV3).slice(0, 12)}`);
      none.model.dispose();
      imnet.model.dispose();
    },
  );
});
