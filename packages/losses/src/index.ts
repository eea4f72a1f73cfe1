export * from './soft-dice.ts';
export * from './soft-dice-kd.ts';
export * from './bce-dice.ts';
