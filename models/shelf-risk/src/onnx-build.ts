// Small builders over onnx-proto's generated classes: attributes, tensors, the graph's input and
// output, and the model wrapper with our producer and metadata. Plain objects in, bytes out;
// protobuf encoding of the same objects gives the same bytes, so nothing here may read a clock.

import onnxProto from 'onnx-proto'
import type { onnx as OnnxTypes } from 'onnx-proto'

const { onnx } = onnxProto
const A = onnx.AttributeProto.AttributeType

export type Attribute = OnnxTypes.IAttributeProto
export type Node = OnnxTypes.INodeProto
export type Tensor = OnnxTypes.ITensorProto
export type ValueInfo = OnnxTypes.IValueInfoProto

export const PRODUCER_NAME = 'store-edge models/shelf-risk'
/** ONNX IR version 8 (onnx 1.10), opset 13 of the main domain, 3 of ai.onnx.ml. */
export const IR_VERSION = 8
export const OPSET = 13
export const ML_DOMAIN = 'ai.onnx.ml'
export const ML_OPSET = 3

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

export const attr = {
  int: (name: string, i: number): Attribute => ({ name, type: A.INT, i }),
  ints: (name: string, ints: ArrayLike<number>): Attribute => ({ name, type: A.INTS, ints: Array.from(ints) }),
  float: (name: string, f: number): Attribute => ({ name, type: A.FLOAT, f }),
  /** Float32 values: each must already be exactly a float32, or protobuf rounds it. */
  floats: (name: string, floats: ArrayLike<number>): Attribute => ({ name, type: A.FLOATS, floats: Array.from(floats) }),
  string: (name: string, s: string): Attribute => ({ name, type: A.STRING, s: utf8(s) }),
  strings: (name: string, strings: readonly string[]): Attribute => ({ name, type: A.STRINGS, strings: strings.map(utf8) })
}

export function floatTensor (name: string, dims: number[], data: ArrayLike<number>): Tensor {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(data) }
}

/** A float32 tensor value: a number is a fixed dimension, a string a named dynamic one. */
export function floatValue (name: string, shape: Array<number | string>): ValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
      }
    }
  }
}

export interface ModelParts {
  graphName: string
  nodes: Node[]
  inputs: ValueInfo[]
  outputs: ValueInfo[]
  initializers?: Tensor[]
  /** Whether the graph uses ai.onnx.ml operators. */
  ml: boolean
  /** Pipeline version of the producer. */
  producerVersion: string
  /** ONNX's int64 model version: the layout version of what we export. */
  modelVersion: number
  docString: string
  /** In this order; no timestamps, or the same training would give different bytes. */
  metadata: Array<[string, string]>
}

export function encodeModel (m: ModelParts): Uint8Array {
  const opsetImport = [{ domain: '', version: OPSET }]
  if (m.ml) opsetImport.push({ domain: ML_DOMAIN, version: ML_OPSET })
  return onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport,
    producerName: PRODUCER_NAME,
    producerVersion: m.producerVersion,
    domain: 'store-edge',
    modelVersion: m.modelVersion,
    docString: m.docString,
    graph: {
      name: m.graphName,
      node: m.nodes,
      input: m.inputs,
      output: m.outputs,
      initializer: m.initializers ?? []
    },
    metadataProps: m.metadata.map(([key, value]) => ({ key, value }))
  }).finish()
}

/** Decodes a model (for tests and tools that read our own files back). */
export function decodeModel (bytes: Uint8Array): OnnxTypes.ModelProto {
  return onnx.ModelProto.decode(bytes)
}
