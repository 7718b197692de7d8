/**
 * Serialization: safetensors, PyTorch .pth interop, atomic writes and training checkpoints.
 * See serialize.ts for the formats and the checkpoint layout.
 */
export {
  save, load, serialize, deserialize, formatForPath, saveCheckpoint, loadCheckpoint, STRUCTURE_KEY,
  type SerializationFormat, type SaveOptions, type SaveCheckpointOptions, type LoadCheckpointOptions,
  type LoadedCheckpoint, type CheckpointDict,
} from './serialize.js';
export {
  loadSafetensors, saveSafetensors, readSafetensors, parseSafetensors, serializeSafetensors,
  SAFETENSORS_MAX_HEADER, type SafetensorsContents,
} from './safetensors.js';
export { loadPth, savePth, parsePth, serializePth, type LoadPthOptions } from './pth.js';
export {
  UnpicklingError, TUPLE_MARK, ORDERED_DICT_MARK, asTuple, isTuple, asOrderedDict, isOrderedDict,
  type PickleValue,
} from './pickle.js';
export { writeFileAtomic, cleanStaleTemps, type AtomicWriteOptions } from './atomic-write.js';
export { isStateDict, type StateDict, type LoadStateDictResult, type HasStateDict } from './state-dict.js';
export type { RawDType } from './tensor-bytes.js';
