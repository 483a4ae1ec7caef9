// NestJS 12, TypeORM 1 and Apollo 5 ship as ES modules. Node 20 loads them from our
// CommonJS build through require(esm), but Jest's module runtime cannot before Node 24.9,
// so under Jest only those packages are compiled to CommonJS (cached by Jest).
const babel = require('@babel/core');
const { createHash } = require('node:crypto');

function importMetaToCommonJs({ types: t }) {
  return {
    visitor: {
      // `const require = createRequire(import.meta.url)` would shadow the CommonJS require
      // the module transform emits; give the module's own binding another name.
      Program(path) {
        for (const name of ['require', 'module', 'exports', '__filename', '__dirname']) {
          if (path.scope.hasOwnBinding(name)) path.scope.rename(name, path.scope.generateUidIdentifier(name).name);
        }
      },
      // import('x') of a package we compile must load the compiled copy, not a native ESM one.
      CallExpression(path) {
        if (path.node.callee.type !== 'Import') return;
        const [specifier] = path.node.arguments;
        path.replaceWith(
          t.callExpression(
            t.memberExpression(
              t.callExpression(t.memberExpression(t.identifier('Promise'), t.identifier('resolve')), []),
              t.identifier('then'),
            ),
            [t.arrowFunctionExpression([], t.callExpression(t.identifier('require'), [specifier]))],
          ),
        );
      },
      MetaProperty(path) {
        if (path.node.meta.name !== 'import' || path.node.property.name !== 'meta') return;
        const parent = path.parentPath;
        if (parent.isMemberExpression() && !parent.node.computed) {
          const name = parent.node.property.name;
          if (name === 'url') {
            parent.replaceWithSourceString("require('node:url').pathToFileURL(__filename).href");
            return;
          }
          if (name === 'dirname') return void parent.replaceWith(t.identifier('__dirname'));
          if (name === 'filename') return void parent.replaceWith(t.identifier('__filename'));
          if (name === 'resolve') {
            parent.replaceWithSourceString("((s) => require('node:url').pathToFileURL(require.resolve(s)).href)");
            return;
          }
        }
        path.replaceWithSourceString(
          "({ url: require('node:url').pathToFileURL(__filename).href, dirname: __dirname, filename: __filename })",
        );
      },
    },
  };
}

module.exports = {
  canInstrument: false,
  getCacheKey(source, filename) {
    return createHash('sha1').update('esm-to-cjs-v3\0').update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename) {
    if (!/\b(import|export)\b/.test(source) && !source.includes('import.meta')) return { code: source };
    const result = babel.transformSync(source, {
      filename,
      babelrc: false,
      configFile: false,
      sourceType: 'unambiguous',
      compact: false,
      plugins: [importMetaToCommonJs, ['@babel/plugin-transform-modules-commonjs', { importInterop: 'node' }]],
    });
    return { code: result.code };
  },
};
