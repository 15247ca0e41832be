// Serves the independent implementation of the data-owner format
// (protocol.mjs) and the npm packages it runs on (@hpke/core, @hpke/common)
// to a Playwright page, under /independent/ and /hpke/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Serves @hpke/core, @hpke/common and the independent implementation to the page. */
export async function serveIndependent(target) {
  await target.route(/\/(hpke|independent)\//, async (route) => {
    const path = new URL(route.request().url()).pathname;
    let file;
    if (path.startsWith("/independent/")) file = join(ROOT, "tests/support", path.slice("/independent/".length));
    else {
      const [, , pkg, ...rest] = path.split("/");
      file = join(ROOT, "node_modules/@hpke", pkg, "esm", ...rest);
    }
    // @hpke/core names @hpke/common by package name; the page has no import map.
    const body = readFileSync(file, "utf8").replaceAll('from "@hpke/common"', 'from "/hpke/common/mod.js"');
    await route.fulfill({ body, contentType: "text/javascript" });
  });
}

