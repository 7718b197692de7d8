// Prints native/kernels/*.cc, one per line, for binding.gyp (`<!@(node scripts/kernel-sources.cjs)`), so a
// new kernel file needs no build edit. CMakeLists.txt globs the same folder.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, '..', 'native', 'kernels');
for (const f of readdirSync(dir).filter((n) => n.endsWith('.cc')).sort()) console.log(`native/kernels/${f}`);
