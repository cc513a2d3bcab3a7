// Two entry points share one engine: the action (dist/index.js) and the CLI
// (dist/cli.js). Shared code lands in dist/chunks/; the AWS SDK gets a
// chunk of its own (chunks/aws-sdk.js) that is only loaded when an ECR
// image is present.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

/** @type {import('rollup').RollupOptions} */
const config = {
  input: { index: 'src/index.ts', cli: 'src/cli.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    esModule: true,
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name].js',
    // The AWS SDK and everything it loads lazily (credential providers) in
    // one chunk, read only when an ECR image is resolved.
    manualChunks(id) {
      if (
        /[\\/]node_modules[\\/](@aws-sdk|@smithy|@aws-crypto|@aws|fast-xml-parser|strnum|bowser)[\\/]/.test(
          id
        )
      ) {
        return 'aws-sdk'
      }
      return undefined
    }
  },
  plugins: [
    typescript({ tsconfig: './tsconfig.build.json' }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    json()
  ],
  onwarn(warning, warn) {
    // The @actions packages and some AWS dependencies use `this` at module
    // top level in transpiled code; harmless in ESM.
    if (warning.code === 'THIS_IS_UNDEFINED') return
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return
    warn(warning)
  }
}

export default config
