/** `nn.utils`: gradient clipping (clipGradNorm_ / clipGradValue_, also without the underscore) and `rnn` (padSequence, packed sequences). */
export * from './clip-grad.js';
export * as rnn from './rnn.js';
