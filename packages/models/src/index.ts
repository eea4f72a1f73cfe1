import './tiny/register.ts';

export * from './registry.ts';
export { TinySod } from './tiny/tiny-sod.ts';
