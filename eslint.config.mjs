import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import jest from 'eslint-plugin-jest'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/*
 * The one-way flow of ARCHITECTURE.md: shells → engine → stages → ground floor.
 * A stage never imports the engine, a shell or the shells' options, and reaches
 * another stage (or a shell the engine) only through its index.ts door. The
 * ground floor imports nothing above it. Rules are on import specifiers, so
 * each folder depth gets its own `../` prefix.
 */
const STAGES = [
  'argocd',
  'config',
  'deliver',
  'edit',
  'lint',
  'policy',
  'registry',
  'render',
  'report',
  'signature'
]
const GROUND = ['log', 'http', 'yaml', 'repo', 'reference']
const up = depth => (depth === 0 ? '\\./' : '\\.\\./'.repeat(depth))
const folderDoor = (depth, allowedInside = 'log/|http/') => ({
  regex: `^${up(depth)}(?!${allowedInside})[a-z-]+/(?!index\\.js$)`,
  message: "Another folder's insides: import its index.js, the folder's only door."
})
const above = (depth, names, floor) => ({
  regex: `^${up(depth)}(${names.join('|')})(/|\\.js$)`,
  message: `The ${floor} never imports this: dependencies point one way, shells → engine → stages → ground floor (ARCHITECTURE.md).`
})
const SHELL_FLOOR = ['action', 'cli', 'options']
const boundaries = [
  ...[1, 2].flatMap(depth => [
    {
      files: STAGES.map(stage => `src/${stage}/${'*/'.repeat(depth - 1)}*.ts`),
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [above(depth, ['engine', ...SHELL_FLOOR], 'stage'), folderDoor(depth)] }
        ]
      }
    },
    {
      files: GROUND.map(folder => `src/${folder}/${'*/'.repeat(depth - 1)}*.ts`),
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              above(depth, ['engine', ...SHELL_FLOOR, ...STAGES], 'ground floor'),
              folderDoor(depth)
            ]
          }
        ]
      }
    }
  ]),
  {
    files: ['src/model.ts', 'src/errors.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [above(0, ['engine', ...SHELL_FLOOR, ...STAGES], 'ground floor')] }
      ]
    }
  },
  {
    files: ['src/engine/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [above(1, SHELL_FLOOR, 'engine'), folderDoor(1)] }
      ]
    }
  },
  {
    files: ['src/action/*.ts', 'src/cli/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [folderDoor(1)] }] }
  }
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'build/**', 'bench/.work/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }]
    }
  },
  {
    files: ['__tests__/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*'] }],
      'jest/no-conditional-expect': 'off'
    }
  },
  ...boundaries,
  prettier
)
