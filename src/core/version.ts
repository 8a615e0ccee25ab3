// The version `--version` prints and an export names in its manifest.
import pkg from "../../package.json" with { type: "json" };

// Set by the release build (`bun build --define RABBITHOLE_VERSION='"1.2.3"'`).
declare const RABBITHOLE_VERSION: string | undefined;
export const VERSION = typeof RABBITHOLE_VERSION === "string" ? RABBITHOLE_VERSION : pkg.version;
