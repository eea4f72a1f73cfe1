import type { Rng } from '@kd/core';
import { tapSpec, type DenseModel } from '@kd/nn';
import { createLoss } from '@kd/losses';
import type { Term } from './term.ts';

/** FitNet hint on (student tap → teacher tap), its connector shaped from the two tap declarations. */
export function fitnetTerm(
  rng: Rng,
  student: DenseModel,
  teacher: DenseModel,
  studentTap: string,
  teacherTap: string,
  weight = 1,
  name = 'fitnet',
): Term {
  const l = createLoss('fitnet', {
    rng,
    studentTap: tapSpec(student, studentTap),
    teacherTap: tapSpec(teacher, teacherTap),
  });
  return {
    name,
    weight,
    studentTaps: [studentTap],
    teacherTaps: [teacherTap],
    needs: [],
    module: l.module,
    compute: ({ student: [s], teacher: [t] }) => l.compute({ student: s, teacher: t }),
  };
}
