// Reading an ONNX file's graph with onnx-proto: the runtime scores, but only the graph itself says
// how a tree ensemble or a logistic model reached its score, which is what explanations need.

import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
export type Graph = onnxProto.onnx.IGraphProto
export type NodeProto = onnxProto.onnx.INodeProto
export type TensorProto = onnxProto.onnx.ITensorProto
type Int = number | { toNumber (): number }

/** The decoded model, or throws protobufjs's error for bytes that are not one. */
export function decodeModel (bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes)
}

export const toNumber = (v: Int): number => typeof v === 'number' ? v : v.toNumber()

export function attribute (node: NodeProto, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name)
}

export function ints (node: NodeProto, name: string): number[] | null {
  const a = attribute(node, name)
  if (a?.ints && a.ints.length > 0) return a.ints.map((v) => toNumber(v as Int))
  if (a?.t) return tensorValues(a.t)
  return null
}

export function int (node: NodeProto, name: string): number | null {
  const a = attribute(node, name)
  return a?.i !== undefined && a.i !== null ? toNumber(a.i as Int) : null
}

/** A float list, or its `<name>_as_tensor` form (ai.onnx.ml opset 3). */
export function floats (node: NodeProto, name: string): number[] | null {
  const a = attribute(node, name)
  if (a?.floats && a.floats.length > 0) return a.floats
  const t = attribute(node, `${name}_as_tensor`)?.t ?? a?.t
  return t ? tensorValues(t) : null
}

export function strings (node: NodeProto, name: string): string[] | null {
  const a = attribute(node, name)
  if (!a?.strings || a.strings.length === 0) return null
  return a.strings.map((s) => Buffer.from(s).toString('utf8'))
}

export function string (node: NodeProto, name: string): string | null {
  const a = attribute(node, name)
  return a?.s ? Buffer.from(a.s).toString('utf8') : null
}

const FLOAT = 1
const INT64 = 7
const DOUBLE = 11

/** A tensor's values as numbers (float, double or int64; inline lists or raw little-endian bytes). */
export function tensorValues (t: TensorProto): number[] {
  if (t.floatData && t.floatData.length > 0) return t.floatData
  if (t.doubleData && t.doubleData.length > 0) return t.doubleData
  if (t.int64Data && t.int64Data.length > 0) return t.int64Data.map((v) => toNumber(v as Int))
  const raw = t.rawData
  if (!raw || raw.length === 0) return []
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength)
  const out: number[] = []
  if (t.dataType === FLOAT) for (let i = 0; i + 4 <= raw.byteLength; i += 4) out.push(view.getFloat32(i, true))
  else if (t.dataType === DOUBLE) for (let i = 0; i + 8 <= raw.byteLength; i += 8) out.push(view.getFloat64(i, true))
  else if (t.dataType === INT64) for (let i = 0; i + 8 <= raw.byteLength; i += 8) out.push(Number(view.getBigInt64(i, true)))
  return out
}

export function tensorDims (t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d as Int))
}

/** The graph's constant tensors by name: initializers and Constant nodes. */
export function constants (graph: Graph): Map<string, TensorProto> {
  const out = new Map<string, TensorProto>()
  for (const t of graph.initializer ?? []) if (t.name) out.set(t.name, t)
  for (const n of graph.node ?? []) {
    if (n.opType === 'Constant' && n.output?.[0]) {
      const t = attribute(n, 'value')?.t
      if (t) out.set(n.output[0], t)
    }
  }
  return out
}
