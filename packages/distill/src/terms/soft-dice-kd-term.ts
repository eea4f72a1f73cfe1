import { softDiceKd } from '@kd/losses';
import { MAIN_OUTPUT, type Term } from './term.ts';

/**
 * KD-SCFNet's distillation term (docs/methods/kd-scfnet.md#losses): soft dice of each of the student's first
 * `numOutputs` outputs (`out:0` … main first) against σ(teacher main output), weights 1, ½, ¼, ⅛.
 */
export function softDiceKdTerm(numOutputs: number, weight = 1): Term {
  return {
    name: 'soft-dice-kd',
    weight,
    module: null,
    needs: [],
    teacherTaps: [MAIN_OUTPUT],
    studentTaps: Array.from({ length: numOutputs }, (_, k) => `${MAIN_OUTPUT}:${k}`),
    compute: ({ student, teacher: [t] }) => softDiceKd(student, t),
  };
}
