// Public API of @greenhour/executor: deterministic, metered execution of a job's WebAssembly module, and the
// reference workloads.
export { meterModule, FUEL_IMPORT, REQUIRED_EXPORTS, DEFAULT_MAX_MEMORY_PAGES, MAX_MODULE_BYTES } from './meter.ts';
export {
  executeModule,
  clearModuleCache,
  ExecutionError,
  type ExecuteParameters,
  type ExecuteReturnType,
} from './execute.ts';
export { KERNELS, kernelModule, type KernelName } from './kernels.ts';
export { inferenceInput, inferenceInputBytes, inferenceJs, type InferenceShape } from './inference.ts';
export {
  DEMO_SCENE,
  renderInput,
  renderJs,
  tilesOf,
  tilesToPng,
  type Scene,
  type Sphere,
  type Tile,
} from './render.ts';
export { trainInput, trainJs, trainResult, type TrainResult, type TrainShape } from './train.ts';
