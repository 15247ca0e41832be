// Node entry of `hcp-kit/dataowner`: the same web glue, with the .wasm read from
// disk instead of fetched. Nothing runs at import time.
import glueInit, { initSync as glueInitSync } from "./hcp_kit_dataowner.js";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

const wasmUrl = () => new URL("./hcp_kit_dataowner_bg.wasm", import.meta.url);

export default async function init(arg) {
  return glueInit(arg ?? { module_or_path: await readFile(wasmUrl()) });
}

export function initSync(arg) {
  return glueInitSync(arg ?? { module: readFileSync(wasmUrl()) });
}

export * from "./hcp_kit_dataowner.js";
