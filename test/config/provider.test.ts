// --provider, --base-url, the keys, the web tools' default and --context-tokens: what each
// combination resolves to, and the ones that cannot work refused at start-up naming the value.

import { describe, expect, test } from "bun:test";
import { resolveServeConfig } from "../../src/config/config.ts";
import { isAnthropicApi, resolveProviderConfig } from "../../src/config/provider.ts";
import type { Env, Flags } from "../../src/config/values.ts";
import { pageNeeds } from "../../src/llm/context.ts";
import { usageError } from "../fixtures/usage.ts";

const resolve = (flags: Flags, env: Env = {}) => resolveServeConfig(flags, env);
const refused = (flags: Flags, env: Env = {}) => usageError(() => resolve(flags, env)).message;

describe("the provider", () => {
  test("defaults to Anthropic's own API, its key required, its server tools on", () => {
    const c = resolve({}, { ANTHROPIC_API_KEY: "sk-ant-x" });
    expect(c).toMatchObject({ provider: "anthropic", apiKey: "sk-ant-x", baseURL: null });
    expect(c.webTools).toBe(true);
    expect(refused({})).toContain("ANTHROPIC_API_KEY");
  });

  test("openai reads its own key and base URL, flag over environment", () => {
    const env = { RABBITHOLE_PROVIDER: "openai", OPENAI_API_KEY: " sk-o ", ANTHROPIC_API_KEY: "a" };
    expect(resolve({}, env)).toMatchObject({ provider: "openai", apiKey: "sk-o", baseURL: null });
    const local = { ...env, OPENAI_BASE_URL: "http://localhost:11434/v1" };
    expect(resolve({}, local).baseURL).toBe("http://localhost:11434/v1");
    const flag = resolve({ "base-url": "http://127.0.0.1:8000/v1" }, local);
    expect(flag.baseURL).toBe("http://127.0.0.1:8000/v1");
    expect(flag.webTools).toBe(false);
  });

  test("a key is optional with a base URL: local servers take none", () => {
    const openai = resolve({ provider: "openai", "base-url": "http://localhost:8080/v1" });
    expect(openai.apiKey).toBeNull();
    const anthropic = resolve({ "base-url": "http://localhost:11434" });
    expect(anthropic).toMatchObject({ provider: "anthropic", apiKey: null });
  });

  test("server tools are off against any other base URL unless forced, and need Anthropic", () => {
    const local = { ANTHROPIC_BASE_URL: "http://localhost:11434" };
    expect(resolve({}, local).webTools).toBe(false);
    expect(resolve({ "web-tools": true }, local).webTools).toBe(true);
    expect(resolve({}, { ...local, RABBITHOLE_WEB_TOOLS: "1" }).webTools).toBe(true);
    expect(resolve({}, { ANTHROPIC_BASE_URL: "https://api.anthropic.com" }).webTools).toBe(true);
    const base = { provider: "openai", "base-url": "http://localhost:8080/v1" };
    expect(refused({ ...base, "web-tools": true })).toContain("--provider anthropic");
  });

  test("bad values and combinations exit 2 naming them", () => {
    expect(refused({ provider: "foo", offline: true })).toContain('--provider "foo"');
    expect(refused({}, { RABBITHOLE_PROVIDER: "claude" })).toContain(
      'RABBITHOLE_PROVIDER="claude"',
    );
    const noKey = refused({ provider: "openai" }, { ANTHROPIC_API_KEY: "sk-ant-x" });
    expect(noKey).toContain("--provider openai");
    expect(noKey).toContain("OPENAI_API_KEY");
    expect(noKey).toContain("--base-url");
    expect(refused({ "base-url": "ftp://x", offline: true })).toContain('--base-url "ftp://x"');
    expect(refused({ provider: "openai", "base-url": "localhost:1234/v1" })).toContain(
      "not an http(s) URL",
    );
    const v1 = refused({ "base-url": "http://localhost:11434/v1" });
    expect(v1).toContain('--base-url "http://localhost:11434/v1"');
    expect(v1).toContain("http://localhost:11434");
    const effort = { provider: "openai", "base-url": "http://h/v1", effort: "high" };
    expect(refused(effort)).toContain('--effort "high"');
  });
});

describe("--context-tokens", () => {
  test("is unbounded by default and taken from its flag or env twin", () => {
    expect(resolve({ offline: true }).contextTokens).toBeNull();
    expect(resolve({ offline: true, "context-tokens": "8192" }).contextTokens).toBe(8192);
    const env = { RABBITHOLE_CONTEXT_TOKENS: "32768" };
    expect(resolve({ offline: true }, env).contextTokens).toBe(32768);
  });

  test("below what one page needs, or not a number, it exits 2 naming the value", () => {
    const needs = pageNeeds();
    const low = refused({ offline: true, "context-tokens": String(needs - 1) });
    expect(low).toContain(`--context-tokens "${needs - 1}"`);
    expect(low).toContain(`~${needs} tokens`);
    expect(resolve({ offline: true, "context-tokens": String(needs) }).contextTokens).toBe(needs);
    expect(refused({ offline: true, "context-tokens": "8k" })).toContain('--context-tokens "8k"');
  });
});

describe("resolveProviderConfig on its own", () => {
  test("offline, no key is needed and --effort is no error; the web tools rule still holds", () => {
    expect(resolveProviderConfig({}, {}, true)).toEqual({
      provider: "anthropic",
      apiKey: null,
      baseURL: null,
      webTools: true,
      contextTokens: null,
    });
    const openai = { provider: "openai", effort: "high" };
    expect(resolveProviderConfig(openai, {}, true)).toMatchObject({
      provider: "openai",
      webTools: false,
    });
    expect(usageError(() => resolveProviderConfig(openai, {}, false)).message).toContain(
      "--effort",
    );
    const tools = { provider: "openai", "web-tools": true };
    expect(usageError(() => resolveProviderConfig(tools, {}, true)).message).toContain(
      "--web-tools",
    );
    // A blank key is no key.
    const blank = () => resolveProviderConfig({}, { ANTHROPIC_API_KEY: "  " }, false);
    expect(usageError(blank).message).toContain("no Anthropic API key");
  });

  test("isAnthropicApi: no base URL, or Anthropic's own host on any path or scheme", () => {
    expect(isAnthropicApi(null)).toBe(true);
    expect(isAnthropicApi("https://api.anthropic.com")).toBe(true);
    expect(isAnthropicApi("https://API.anthropic.com/proxy")).toBe(true);
    expect(isAnthropicApi("https://api.anthropic.com.evil.test")).toBe(false);
    expect(isAnthropicApi("http://localhost:11434")).toBe(false);
    expect(isAnthropicApi("not a url")).toBe(false);
  });
});
