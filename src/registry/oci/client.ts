import { ACTION_NAMES, RegistryError, type OptionNames } from '../../errors.js'
import type { Logger } from '../../log/logger.js'
import type { Credential, CredentialSource } from '../credentials.js'
import { parseChallenges, type Challenge } from './challenge.js'
import { schemeFor, type HttpResponse, type Transport } from './transport.js'

/** Tokens are refreshed this long before the registry says they expire. */
const EXPIRY_MARGIN_MS = 10_000
/** distribution's token spec: expires_in defaults to 60 seconds. */
const DEFAULT_TOKEN_LIFETIME_S = 60
const CLIENT_ID = 'promote-image'

interface CachedToken {
  readonly value: string
  readonly expiresAt: number
}

/**
 * Speaks to one registry host for the whole run and remembers what it learns:
 * the authentication challenge (so a further repository costs a token and a
 * HEAD, not a 401 first) and one token per scope (so a further tag costs one
 * HEAD). Concurrent requests for the same scope share one token request.
 */
export class RegistryClient {
  readonly baseUrl: string
  private challenge?: Challenge
  private credentials?: Promise<CredentialSource>
  private readonly tokens = new Map<string, Promise<CachedToken>>()
  /** The first request to the host, while it learns whether and how the host challenges. */
  private probe?: Promise<unknown>

  constructor(
    readonly host: string,
    private readonly transport: Transport,
    private readonly findCredentials: (host: string) => Promise<CredentialSource>,
    private readonly logger: Logger,
    /** How messages name settings (the CLI passes its flags). */
    readonly names: OptionNames = ACTION_NAMES
  ) {
    this.baseUrl = `${schemeFor(host, transport.insecureRegistries)}://${host}`
  }

  /** Where credentials came from, for error messages. */
  async credentialDescription(): Promise<string> {
    return (await this.credentialSource()).description
  }

  async request(
    repository: string,
    method: 'GET' | 'HEAD',
    path: string,
    headers: Record<string, string>
  ): Promise<HttpResponse> {
    // Concurrent first requests would each meet the 401 and each fetch a token: the first one
    // learns the challenge alone, and the others then go straight to their repository's token.
    if (!this.challenge && this.probe) await this.probe.catch(() => undefined)
    if (!this.challenge && !this.probe) {
      const first = this.send(repository, method, path, headers)
      this.probe = first
      return first
    }
    return this.send(repository, method, path, headers)
  }

  private async send(
    repository: string,
    method: 'GET' | 'HEAD',
    path: string,
    headers: Record<string, string>
  ): Promise<HttpResponse> {
    const url = `${this.baseUrl}${path}`
    const describe = `${method} ${url}`
    const known = await this.authorization(repository)
    const first = await this.transport.send(
      { method, url, headers: known ? { ...headers, authorization: known } : headers },
      describe
    )
    if (first.status !== 401) return first

    const header = first.headers.get('www-authenticate')
    const challenge = header ? pickChallenge(parseChallenges(header)) : undefined
    if (!challenge) return first
    this.challenge = challenge
    // Sent with a token and still refused: the token is stale (expired early,
    // revoked); fetch a fresh one, once.
    if (known) this.tokens.delete(scopeFor(repository))
    const fresh = await this.authorization(repository)
    if (!fresh || fresh === known) return first
    return this.transport.send(
      { method, url, headers: { ...headers, authorization: fresh } },
      describe
    )
  }

  private credentialSource(): Promise<CredentialSource> {
    this.credentials ??= this.findCredentials(this.host)
    return this.credentials
  }

  /** The Authorization header for `repository`, or undefined before any challenge. */
  private async authorization(repository: string): Promise<string | undefined> {
    const challenge = this.challenge
    if (!challenge) return undefined
    const { credential } = await this.credentialSource()
    if (challenge.scheme === 'basic') {
      return credential?.kind === 'basic' ? basicHeader(credential) : undefined
    }
    const scope = scopeFor(repository)
    let cached = this.tokens.get(scope)
    if (cached) {
      const token = await cached.catch(() => undefined)
      if (token && token.expiresAt > Date.now()) return `Bearer ${token.value}`
    }
    cached = this.fetchToken(challenge, scope)
    this.tokens.set(scope, cached)
    cached.catch(() => this.tokens.delete(scope))
    return `Bearer ${(await cached).value}`
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<CachedToken> {
    const source = await this.credentialSource()
    const { credential } = source
    if (credential?.kind === 'registry-token')
      return { value: credential.token, expiresAt: Infinity }
    const realm = this.checkedRealm(challenge, credential)
    const service = challenge.params.service
    const describe = `token request to ${realm.origin}${realm.pathname}`

    let response: HttpResponse | undefined
    if (credential?.kind === 'identity-token') {
      // OAuth2 refresh-token grant (distribution oauth.md); older realms
      // only speak GET, so fall back on 404 as ggcr does.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.token,
        client_id: CLIENT_ID,
        scope,
        ...(service ? { service } : {})
      })
      response = await this.transport.send(
        {
          method: 'POST',
          url: realm.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString()
        },
        describe
      )
      if (response.status === 404 || response.status === 405) response = undefined
    }
    if (!response) {
      const url = new URL(realm)
      if (service) url.searchParams.set('service', service)
      url.searchParams.append('scope', scope)
      const basic =
        credential?.kind === 'basic'
          ? basicHeader(credential)
          : credential?.kind === 'identity-token'
            ? basicHeader({
                username: credential.username || '<token>',
                password: credential.token
              })
            : undefined
      response = await this.transport.send(
        { method: 'GET', url: url.toString(), headers: basic ? { authorization: basic } : {} },
        describe
      )
    }

    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(
        `The token service of ${this.host} (${realm.origin}) refused ${source.description} with HTTP ${response.status}.`,
        {
          hint: credential
            ? `The credentials are wrong or expired: log in again ${this.names.loginStep}, or ${this.names.setCredentials}.`
            : `This registry needs credentials: log in ${this.names.loginStep}, or ${this.names.setCredentials}.`
        }
      )
    }
    if (response.status !== 200) {
      throw new RegistryError(
        `The token service of ${this.host} (${realm.origin}) answered HTTP ${response.status}.`,
        { hint: 'Re-run the job if the outage is transient.' }
      )
    }
    let body: { token?: string; access_token?: string; expires_in?: number }
    try {
      body = JSON.parse(response.body.toString('utf8'))
    } catch {
      throw new RegistryError(
        `The token service of ${this.host} answered with something other than JSON.`
      )
    }
    const value = body.token || body.access_token
    if (!value)
      throw new RegistryError(`The token service of ${this.host} answered without a token.`)
    const lifetime =
      (body.expires_in && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S) * 1000
    this.logger.debug(`token for ${this.host} ${scope} valid for ${lifetime / 1000} s`)
    return { value, expiresAt: Date.now() + Math.max(lifetime - EXPIRY_MARGIN_MS, lifetime / 2) }
  }

  /** The realm must be http(s); credentials never travel over plain HTTP to a non-loopback host. */
  private checkedRealm(challenge: Challenge, credential: Credential | undefined): URL {
    let realm: URL
    try {
      realm = new URL(challenge.params.realm ?? '')
    } catch {
      throw new RegistryError(
        `Registry ${this.host} sent a Bearer challenge without a valid realm URL (${JSON.stringify(challenge.params.realm ?? '')}).`
      )
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryError(
        `Registry ${this.host} sent a token realm with scheme ${realm.protocol}.`
      )
    }
    if (
      credential &&
      realm.protocol === 'http:' &&
      schemeFor(realm.host, this.transport.insecureRegistries) === 'https'
    ) {
      throw new RegistryError(
        `Registry ${this.host} asks for credentials to be sent over plain HTTP to ${realm.host}; refusing.`,
        {
          hint: `If ${realm.host} is trusted, list it in ${this.names.name('insecure-registries')}.`
        }
      )
    }
    return realm
  }
}

function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find(c => c.scheme === 'bearer') ?? challenges.find(c => c.scheme === 'basic')
}

function scopeFor(repository: string): string {
  return `repository:${repository}:pull`
}

function basicHeader(credential: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`
}
