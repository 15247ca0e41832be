// Nothing for wasm: the glue's new URL("…_bg.wasm", import.meta.url) makes the
// .wasm an asset, and new Worker(new URL(…)) a worker chunk.
import { fileURLToPath } from "node:url";
export default {
  mode: "production",
  entry: "./src/main.js",
  output: { path: fileURLToPath(new URL("dist/", import.meta.url)), filename: "main.js", clean: true },
};
