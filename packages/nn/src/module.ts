import * as tf from '@tensorflow/tfjs';

/**
 * A minimal PyTorch-style module: named parameters (trainable variables), named buffers
 * (non-trainable state such as BN running statistics) and named children. Full names are dotted
 * paths (`stage0.0.conv1x1.conv.weight`), so official state_dict keys map one to one.
 * Each module defines its own `forward`; `training` switches BN between batch and running stats.
 */
export class Module {
  private readonly params = new Map<string, tf.Variable>();
  private readonly buffers = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module>();
  training = true;

  protected param(name: string, value: tf.Tensor): tf.Variable {
    const v = tf.variable(value, true);
    value.dispose();
    this.params.set(name, v);
    return v;
  }

  protected buffer(name: string, value: tf.Tensor): tf.Variable {
    const v = tf.variable(value, false);
    value.dispose();
    this.buffers.set(name, v);
    return v;
  }

  /** Registers `m` as a child named `name` and returns it. */
  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Children in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  /** Trainable variables with their dotted names, in registration order. */
  namedParameters(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [n, v] of this.params) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  namedBuffers(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [n, v] of this.buffers) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  /** Parameters and buffers by dotted name (the state_dict). */
  stateDict(): Map<string, tf.Variable> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  trainableVariables(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Number of trainable scalars. */
  countParams(): number {
    return this.namedParameters().reduce((s, [, v]) => s + v.size, 0);
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Visits this module and every descendant (pre-order) with its dotted path. */
  *modules(prefix = ''): Generator<[string, Module]> {
    yield [prefix.replace(/\.$/, ''), this];
    for (const [n, c] of this.children) yield* c.modules(`${prefix}${n}.`);
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const v of this.buffers.values()) v.dispose();
    for (const c of this.children.values()) c.dispose();
  }
}
