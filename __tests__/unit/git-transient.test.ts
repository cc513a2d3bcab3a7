import { describe, expect, it } from '@jest/globals'
import {
  gitHttpStatus,
  isTransientGitFailure,
  lostRace,
  pushRefused
} from '../../src/deliver/git/failures.js'

/** git's own words (stderr as simple-git reports it), from real failures. */
const transient: ReadonlyArray<readonly [string, string]> = [
  [
    'clone: 502 on the advertisement',
    "Cloning into '/tmp/x/config'...\nfatal: unable to access 'https://github.com/acme/config.git/': The requested URL returned error: 502"
  ],
  [
    'push: 502 on receive-pack',
    'error: RPC failed; HTTP 502 curl 22 The requested URL returned error: 502\nsend-pack: unexpected disconnect while reading sideband packet\nfatal: the remote end hung up unexpectedly'
  ],
  [
    'fetch: 503',
    "fatal: unable to access 'https://github.com/acme/config.git/': The requested URL returned error: 503"
  ],
  ['500', 'error: RPC failed; HTTP 500 curl 22 The requested URL returned error: 500'],
  ['504', "fatal: unable to access 'https://x/': The requested URL returned error: 504"],
  ['429', "fatal: unable to access 'https://x/': The requested URL returned error: 429"],
  ['408', 'error: RPC failed; HTTP 408 curl 22 The requested URL returned error: 408'],
  [
    'connection reset',
    "fatal: unable to access 'https://github.com/acme/config.git/': Recv failure: Connection reset by peer"
  ],
  [
    'curl 56 reset',
    'error: RPC failed; curl 56 OpenSSL SSL_read: Connection reset by peer, errno 104'
  ],
  [
    'early EOF',
    'error: RPC failed; curl 18 transfer closed with outstanding read data remaining\nfatal: early EOF\nfatal: index-pack failed'
  ],
  ['unexpected disconnect', 'fetch-pack: unexpected disconnect while reading sideband packet'],
  [
    'timeout',
    "fatal: unable to access 'https://github.com/acme/config.git/': Failed to connect to github.com port 443 after 130000 ms: Connection timed out"
  ],
  [
    'ssh timeout',
    'ssh: connect to host github.com port 22: Connection timed out\nfatal: Could not read from remote repository.'
  ],
  ['HTTP/2 stream', 'error: RPC failed; curl 92 HTTP/2 stream 5 was not closed cleanly: CANCEL']
]

const permanent: ReadonlyArray<readonly [string, string]> = [
  [
    '401',
    "fatal: unable to access 'https://github.com/acme/config.git/': The requested URL returned error: 401"
  ],
  [
    '403 on push',
    "remote: Permission to acme/config.git denied to bot.\nfatal: unable to access 'https://github.com/acme/config.git/': The requested URL returned error: 403"
  ],
  [
    '403 as RPC failed',
    'error: RPC failed; HTTP 403 curl 22 The requested URL returned error: 403\nfatal: the remote end hung up unexpectedly'
  ],
  ['404', "fatal: unable to access 'https://x/': The requested URL returned error: 404"],
  [
    'repository not found',
    "remote: Repository not found.\nfatal: repository 'https://github.com/acme/nope.git/' not found"
  ],
  [
    'authentication failed',
    "fatal: Authentication failed for 'https://github.com/acme/config.git/'"
  ],
  [
    'no credentials, prompts disabled',
    "fatal: could not read Username for 'https://github.com': terminal prompts disabled"
  ],
  [
    'ssh key refused',
    'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.'
  ],
  [
    'unknown host',
    "fatal: unable to access 'https://gihtub.com/acme/config.git/': Could not resolve host: gihtub.com"
  ],
  [
    'missing branch',
    'warning: Could not find remote branch nope to clone.\nfatal: Remote branch nope not found in upstream origin'
  ],
  ['missing ref on fetch', "fatal: couldn't find remote ref nope"],
  ['not a repository', "fatal: '/tmp/nope' does not appear to be a git repository"],
  ['local path missing', "fatal: repository '/tmp/nope' does not exist"],
  [
    'non-fast-forward',
    " ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs to 'https://github.com/acme/config.git'"
  ],
  ['empty', '']
]

describe('isTransientGitFailure', () => {
  it.each(transient)('%s: retried', (_name, output) => {
    expect(isTransientGitFailure(output)).toBe(true)
  })
  it.each(permanent)('%s: not retried', (_name, output) => {
    expect(isTransientGitFailure(output)).toBe(false)
  })
})

describe('gitHttpStatus', () => {
  it.each([
    ['The requested URL returned error: 502', 502],
    ['error: RPC failed; HTTP 503 curl 22 The requested URL returned error: 503', 503],
    ['error: RPC failed; curl 92 HTTP/2 stream 5 was not closed cleanly: CANCEL', undefined],
    ['fatal: early EOF', undefined]
  ])('%s → %s', (output, status) => {
    expect(gitHttpStatus(output)).toBe(status)
  })
})

describe('lostRace', () => {
  it.each([
    ['non-fast-forward', ' ! [rejected]        HEAD -> main (non-fast-forward)', true],
    ['fetch first', ' ! [rejected]        HEAD -> main (fetch first)', true],
    ['ref lock', 'error: cannot lock ref refs/heads/main: is at 1234 but expected 5678', true],
    [
      'branch protection',
      ' ! [remote rejected] HEAD -> main (protected branch hook declined)',
      false
    ],
    ['pre-receive hook', ' ! [remote rejected] HEAD -> main (pre-receive hook declined)', false],
    ['permission', 'remote: Permission to acme/gitops.git denied to bot.', false],
    ['lease no longer holds', ' ! [rejected]        HEAD -> promote/dev/api (stale info)', true],
    [
      'remote ref lock',
      " ! [remote rejected] HEAD -> main (cannot lock ref 'refs/heads/main': is at 1234 but expected 5678)",
      true
    ],
    [
      'non-bare remote with the branch checked out',
      [
        'remote: error: refusing to update checked out branch: refs/heads/main',
        'remote: error: By default, updating the current branch in a non-bare repository',
        ' ! [remote rejected] HEAD -> main (branch is currently checked out)'
      ].join('\n'),
      false
    ],
    [
      'GitHub classic protection (GH006)',
      'remote: error: GH006: Protected branch update failed for refs/heads/main.\n ! [remote rejected] HEAD -> main (protected branch hook declined)',
      false
    ],
    [
      'GitHub ruleset (GH013)',
      'remote: error: GH013: Repository rule violations found for refs/heads/main.\n ! [remote rejected] HEAD -> main (push declined due to repository rule violations)',
      false
    ]
  ])('%s', (_, output, expected) => {
    expect(lostRace(output)).toBe(expected)
  })
})

describe('pushRefused', () => {
  it.each([
    [
      'non-bare remote with the branch checked out',
      'remote: error: refusing to update checked out branch: refs/heads/main\n ! [remote rejected] HEAD -> main (branch is currently checked out)',
      /\(branch is currently checked out\).*refusing to update checked out branch/s,
      /non-bare repository with main checked out/
    ],
    [
      'classic protection',
      'remote: error: GH006: Protected branch update failed for refs/heads/main.\n ! [remote rejected] HEAD -> main (protected branch hook declined)',
      /GH006: Protected branch update failed/,
      /mode: pull-request.*branch protection/
    ],
    [
      'ruleset',
      'remote: error: GH013: Repository rule violations found for refs/heads/main.\n ! [remote rejected] HEAD -> main (push declined due to repository rule violations)',
      /GH013/,
      /mode: pull-request.*ruleset/
    ],
    [
      'a hook',
      'remote: only release managers may push here\n ! [remote rejected] HEAD -> main (pre-receive hook declined)',
      /only release managers may push here/,
      /server-side hook/
    ]
  ])('%s: git’s own reason and what to do', (_, output, message, hint) => {
    const error = pushRefused('main', 'https://git.example/acme/gitops.git', output)
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/nothing was pushed/)
    expect(error.hint).toMatch(hint)
  })
})
