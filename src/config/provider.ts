// Who writes the pages: Anthropic's API or a server that speaks it (Ollama, llama.cpp, vLLM), or
// an OpenAI-compatible one (OpenAI, OpenRouter, vLLM, LM Studio, Ollama's /v1). Resolves
// --provider, --base-url, the API key, the web tools' default and --context-tokens, and refuses
// the combinations that cannot work, naming the value.

import { UsageError } from "../core/errors.ts";
import { read, SERVE_OPTIONS } from "./options.ts";
import type { Provider } from "./parse.ts";
import { type Env, type Flags, fromEnv, pick, type Raw, resolveBool } from "./values.ts";

export interface ProviderConfig {
  provider: Provider;
  /** The provider's key (ANTHROPIC_API_KEY or OPENAI_API_KEY); optional with a base URL. */
  apiKey: string | null;
  /** --base-url or the provider's env twin; null: the provider's own API. */
  baseURL: string | null;
  /** Claude's server tools: on against Anthropic's own API unless turned off, elsewhere only forced. */
  webTools: boolean;
  /** --context-tokens: bound on prompt plus output per call; null: none. */
  contextTokens: number | null;
}

const KEY_ENV: Record<Provider, string> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
};
const BASE_ENV: Record<Provider, string> = {
  anthropic: "ANTHROPIC_BASE_URL",
  openai: "OPENAI_BASE_URL",
};

export function resolveProviderConfig(flags: Flags, env: Env, offline: boolean): ProviderConfig {
  const S = SERVE_OPTIONS;
  const provider = read(S.provider, flags, env);
  const baseURL = baseUrlOf(pick(flags, env, S.baseUrl.flag, BASE_ENV[provider]), provider);
  const apiKey = fromEnv(env, KEY_ENV[provider])?.value.trim() || null;
  // Unset stays undefined here: the default depends on the provider and the base URL.
  const forced = resolveBool(flags, env, S.webTools.flag, S.webTools.env as string);
  if (provider === "openai" && forced === true) {
    throw new UsageError(
      "--web-tools (or RABBITHOLE_WEB_TOOLS) needs --provider anthropic: web_search and " +
        "web_fetch are Claude's server tools, Chat Completions has none",
    );
  }
  const effort = pick(flags, env, S.effort.flag, S.effort.env as string);
  if (provider === "openai" && effort && !offline) {
    throw new UsageError(`${effort.where} steers Claude's thinking: --provider openai takes none`);
  }
  const contextTokens = read(S.contextTokens, flags, env);
  if (!offline && apiKey === null && baseURL === null) throw noKey(provider);
  return {
    provider,
    apiKey,
    baseURL,
    // Server tools exist only on Anthropic's own API: a compatible server refuses or ignores them.
    webTools: forced ?? (provider === "anthropic" && isAnthropicApi(baseURL)),
    contextTokens,
  };
}

/** Anthropic's own API, where the server tools exist. */
export function isAnthropicApi(baseURL: string | null): boolean {
  return baseURL === null || URL.parse(baseURL)?.hostname === "api.anthropic.com";
}

function baseUrlOf(raw: Raw | undefined, provider: Provider): string | null {
  if (!raw) return null;
  const url = URL.parse(raw.value);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`${raw.where} is not an http(s) URL`);
  }
  // The Anthropic SDK appends /v1/messages itself: a base ending in /v1 would ask /v1/v1/messages.
  if (provider === "anthropic" && /\/v1\/?$/.test(url.pathname)) {
    throw new UsageError(
      `${raw.where} ends in /v1: for --provider anthropic give the server's root ` +
        `(like ${url.origin}), the SDK adds /v1/messages`,
    );
  }
  return raw.value;
}

function noKey(provider: Provider): UsageError {
  if (provider === "openai") {
    return new UsageError(
      "--provider openai needs a key or a server: set OPENAI_API_KEY (export " +
        "OPENAI_API_KEY=sk-...), or give --base-url for a local server that takes none",
    );
  }
  return new UsageError(
    "no Anthropic API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-...), " +
      "give --base-url for a local server that takes none, or pass --offline to serve " +
      "placeholder pages without one",
  );
}
