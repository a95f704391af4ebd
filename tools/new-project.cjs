#!/usr/bin/env node
// Creates the boilerplate of a workspace project (lib or app) in the Nx "TS solution" style:
// package.json with source/dist exports, tsconfig.{json,lib.json,spec.json}, jest.config.cjs, project.json tags.
// Usage: node tools/new-project.cjs <dir> <package-name> <scope> <type> [--app] [--deps a,b]
const fs = require('node:fs');
const path = require('node:path');
const [dir, name, scope, type, ...rest] = process.argv.slice(2);
if (!dir || !name || !scope || !type) {
  console.error('usage: new-project.cjs <dir> <package-name> <scope> <type> [--app] [--deps a,b]');
  process.exit(2);
}
const isApp = rest.includes('--app');
const depsIdx = rest.indexOf('--deps');
const deps = depsIdx >= 0 ? rest[depsIdx + 1].split(',').filter(Boolean) : [];
const root = path.resolve(__dirname, '..');
const abs = path.join(root, dir);
const rel = path.relative(abs, root) || '.';
fs.mkdirSync(path.join(abs, 'src'), { recursive: true });
const write = (file, content) => {
  const p = path.join(abs, file);
  if (!fs.existsSync(p)) fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
};
const entry = isApp ? 'main' : 'index';
write('package.json', {
  name,
  version: '0.1.0',
  private: true,
  main: `./dist/${entry}.js`,
  types: `./dist/${entry}.d.ts`,
  exports: {
    '.': { '@datamingle/source': `./src/${entry}.ts`, types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
    './package.json': './package.json',
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, '*'])),
});
write('project.json', {
  name: name.replace('@datamingle/', ''),
  $schema: `${rel}/node_modules/nx/schemas/project-schema.json`,
  sourceRoot: `${dir}/src`,
  projectType: isApp ? 'application' : 'library',
  tags: [`scope:${scope}`, `type:${type}`],
});
write('tsconfig.lib.json', {
  extends: `${rel}/tsconfig.base.json`,
  compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo' },
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.spec.ts', 'src/**/testing-support/**'],
  references: [],
});
write('tsconfig.spec.json', {
  extends: `${rel}/tsconfig.base.json`,
  compilerOptions: { outDir: 'dist-spec', types: ['node', 'jest'], composite: false, declaration: false, declarationMap: false, noEmit: true },
  include: ['src/**/*.ts'],
  references: [{ path: './tsconfig.lib.json' }],
});
write('tsconfig.json', { files: [], include: [], references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }] });
write('jest.config.cjs', `// Unit tier of this project (int and e2e run from the root jest.config.cjs, which starts PostgreSQL).\nmodule.exports = { ...require('${rel}/jest.preset.cjs'), displayName: '${name.replace('@datamingle/', '')}', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.unit.spec.ts'] };\n`);
write(`src/${entry}.ts`, isApp ? '' : 'export {};\n');
console.log(`created ${dir}`);
