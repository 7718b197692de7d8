/** The `models` namespace: reference architectures built from `nn`. */
export { Inception1d, InceptionBlock, type Inception1dOptions } from './inception1d.js';
