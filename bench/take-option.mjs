// Command-line options for the bench scripts that call addon files directly (conv-native.mjs, conv2d-native.mjs).

/** The value after `name` in args (both removed from args, so the rest are file names), or dflt. */
export function takeOption(args, name, dflt) {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}
