/** The `models` namespace: reference architectures built from `nn`. */
export { Inception1d, InceptionBlock, type Inception1dOptions } from './inception1d.js';
export { Cnn1d, type Cnn1dOptions } from './cnn1d.js';
