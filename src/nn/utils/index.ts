/** `nn.utils`: gradient clipping (clipGradNorm_ / clipGradValue_, also without the underscore). */
export * from './clip-grad.js';
