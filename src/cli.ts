#!/usr/bin/env bun
// The `rabbithole` executable (package.json bin, `bun run start`, the compiled binary's entry).
// It only wires: the commands live in src/cli/, the application they start in src/app/.

import { fail, main } from "./cli/main.ts";

main(process.argv.slice(2)).catch(fail);
