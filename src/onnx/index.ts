/**
 * The `onnx` namespace: export a model to ONNX (opset 13-17, default 17) for onnxruntime and other
 * runtimes.
 * @example
 * import { onnx } from 'nodetorch';
 * onnx.exportModel(model, sample, 'model.onnx', { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
 */
export {
  exportModel, exportModelToBytes, type ExportOptions, type ExportResult, type DynamicAxes, type TracedModule,
} from './export.js';
export { ONNX_MAPPINGS } from './mappings.js';
export type { OnnxGraph, OnnxNode, OnnxInitializer, OnnxValueInfo, OnnxAttr } from './proto.js';
export type { OnnxMapping, MapContext, MapResult, GraphValue } from './builder.js';
