/**
 * TensorFlow GraphDef nodes in the protobuf-JSON form that tfjs-converter writes into a graph
 * model's `model.json` (`modelTopology.node`) and `tf.loadGraphModel` reads: int64 values as
 * decimal strings, string values base64, dtypes as `DT_*` names.
 */
export interface AttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size: string }[] };
  tensor?: { dtype: string; tensorShape: { dim?: { size: string }[] } };
  list?: { i?: string[]; s?: string[]; f?: number[] };
}

export interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** tfjs dtype → GraphDef dtype name. */
export function dtName(dtype: string): string {
  switch (dtype) {
    case 'float32':
      return 'DT_FLOAT';
    case 'int32':
      return 'DT_INT32';
    case 'bool':
      return 'DT_BOOL';
    default:
      throw new Error(`graph export: dtype '${dtype}' is not supported (float32, int32, bool)`);
  }
}

const dims = (shape: readonly number[]) => (shape.length ? { dim: shape.map((d) => ({ size: String(d) })) } : {});

export const attr = {
  str: (s: string): AttrValue => ({ s: b64(s) }),
  strs: (s: readonly string[]): AttrValue => ({ list: { s: s.map(b64) } }),
  int: (i: number): AttrValue => ({ i: String(i) }),
  ints: (v: readonly number[]): AttrValue => ({ list: { i: v.map((x) => String(Math.trunc(x))) } }),
  float: (f: number): AttrValue => ({ f }),
  bool: (b: boolean): AttrValue => ({ b }),
  type: (dtype: string): AttrValue => ({ type: dtName(dtype) }),
  shape: (shape: readonly number[]): AttrValue => ({ shape: dims(shape) }),
  tensor: (dtype: string, shape: readonly number[]): AttrValue => ({
    tensor: { dtype: dtName(dtype), tensorShape: dims(shape) },
  }),
};

/** A `Const` node; its value is the weight of the same name in the weights manifest. */
export function constNode(name: string, dtype: string, shape: readonly number[]): NodeDef {
  return { name, op: 'Const', attr: { value: attr.tensor(dtype, shape), dtype: attr.type(dtype) } };
}

/** The graph input: a float32 `Placeholder` of a fixed shape. */
export function placeholderNode(name: string, shape: readonly number[]): NodeDef {
  return { name, op: 'Placeholder', attr: { dtype: attr.type('float32'), shape: attr.shape(shape) } };
}
