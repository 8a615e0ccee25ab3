// The bounds on Claude's server tools per call, apart from the SDK client: the budget needs them
// to price a call's worst case, and the server must not load the SDK to start --offline.

export const TOOL_LIMITS = {
  searches: 3,
  fetches: 2,
  /** Tokens one fetched document may add to the input. */
  fetchTokens: 10_000,
  /** No API bound exists on search results: a generous allowance per search. */
  searchTokens: 10_000,
} as const;
