// The bounds on one API call, apart from the SDK client: the budget needs the tools' limits to
// price a call's worst case, the option table needs the stall default, and the server must not
// load the SDK to start --offline.

export const TOOL_LIMITS = {
  searches: 3,
  fetches: 2,
  /** Tokens one fetched document may add to the input. */
  fetchTokens: 10_000,
  /** No API bound exists on search results: a generous allowance per search. */
  searchTokens: 10_000,
} as const;

// Generous: server tools run between events, and a false stall wastes the money already spent.
/** The default of --stall-timeout: the longest silence inside a stream. */
export const DEFAULT_STALL_MS = 120_000;
