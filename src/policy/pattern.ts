/**
 * Every pattern a user (or a registry's settings) hands us runs on RE2 semantics, in time linear
 * in the tag: JavaScript's backtracking RegExp takes exponential time on `(a+)+$` against a
 * 60-character tag, and polynomial time on globs like `*a*a*a*a*b`, and a stuck event loop cannot
 * even be timed out.
 *
 * re2js rather than the `re2` package: re2js is RE2 ported to pure JavaScript, so rollup bundles
 * it into dist/ and it runs on the node24 runner as is; `re2` is a native addon (node-gyp), which
 * a bundled action cannot ship for every runner's platform and Node ABI.
 */
import { RE2JS, RE2JSException } from 're2js'
import { InputError, inputLabel } from '../errors.js'

/** A compiled pattern: `test` is a full match of the tag (anchored at both ends). */
export interface TagPattern {
  /** The pattern as the user wrote it, for messages. */
  readonly source: string
  /** The input or flag it came from (`allow-tags`, `--allow-tags`), for messages. */
  readonly name?: string
  test(tag: string): boolean
}

/** RE2 syntax (google/re2 wiki "Syntax"); linked from errors so users can see what is accepted. */
export const RE2_SYNTAX_URL = 'https://github.com/google/re2/wiki/Syntax'

/**
 * Compiles a regular expression with RE2 semantics, matched against the whole tag: "v\d+" does
 * not match "dev1-latest". The source is compiled as written (not wrapped in `^(?:…)$`, which
 * would let `a)|(b` compile) and anchored by testExact (RE2 ANCHOR_BOTH).
 */
export function compileRe2(
  source: string,
  inputName: string,
  /** search: match anywhere unless anchored (^…$), as Go's MatchString; hint: for that use. */
  options: { readonly search?: boolean; readonly hint?: string } = {}
): TagPattern {
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(source)
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error
    const unsupported = unsupportedSyntax(source)
    const why = unsupported
      ? `${unsupported}, which RE2 does not support (it cannot run in linear time)`
      : error.message.replace(/^error parsing regexp: /, '')
    throw new InputError(
      `${inputLabel(inputName)} is not a valid regular expression in RE2 syntax: ${JSON.stringify(source)} (${why}).`,
      {
        hint:
          options.hint ??
          `${inputName} is matched with RE2 (${RE2_SYNTAX_URL}), in time linear in the tag: no lookahead, lookbehind or backreferences. Write e.g. v\\d+\\.\\d+\\.\\d+ or sha-[0-9a-f]{7,40}; the pattern must match the whole tag.`
      }
    )
  }
  return {
    source,
    name: inputName,
    test: options.search ? text => compiled.test(text) : tag => compiled.testExact(tag)
  }
}

/** Perl/JavaScript syntax that RE2 leaves out on purpose, named in the user's words. */
function unsupportedSyntax(source: string): string | undefined {
  if (/\(\?<?[=!]/.test(source)) return 'it uses lookaround ((?=, (?!, (?<=, (?<!)'
  if (/\\(?:[1-9]|k<)/.test(source)) return 'it uses a backreference (\\1, \\k<name>)'
  return undefined
}

/**
 * A glob (`*` any run, `?` one character unless `star only`; everything else literal) compiled to
 * RE2, so that a
 * pattern like `*a*a*a*a*a*b` stays linear too (as a backtracking RegExp `.*a.*a…` it is
 * polynomial of the star count's degree). RE2's (?i) folds case the Unicode simple way; tags are
 * ASCII, where it agrees with JavaScript's `i`.
 */
export function compileGlob(
  glob: string,
  options: { caseInsensitive: boolean; starOnly?: boolean }
): TagPattern {
  const body = glob
    .split(options.starOnly ? /(\*)/ : /([*?])/)
    .map(part => (part === '*' ? '.*' : part === '?' ? '.' : part && RE2JS.quote(part)))
    .join('')
  const compiled = RE2JS.compile(body, options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
  return { source: glob, test: tag => compiled.testExact(tag) }
}
