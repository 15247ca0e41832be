// Key generation in Chromium: hcp-kit's generateKeyPair against WebCrypto's
// generateKey (P-256, extractable) in the same page, same run. Prints the
// ratio; the DESIGN.md budget is 3x. No assertion: a benchmark reports.
import { startServer } from "../scripts/serve.mjs";
import { launchBrowser } from "../tests/e2e/harness.mjs";

const N = Number(process.env.BENCH_KEYGEN_N ?? 400);
const ROUNDS = 5;

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  const result = await page.evaluate(
    async ({ N, ROUNDS }) => {
      const kit = await import("/pkg/hcp_kit.js");
      await kit.default();
      const alg = { name: "ECDSA", namedCurve: "P-256" };
      const cases = {
        "generate": {
          kit: async () => kit.generateKeyPair().free(),
          webcrypto: () => crypto.subtle.generateKey(alg, true, ["sign", "verify"]),
        },
        "generate + export SPKI": {
          kit: async () => {
            const kp = kit.generateKeyPair();
            kp.publicKeySpki();
            kp.free();
          },
          webcrypto: async () => {
            const kp = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
            await crypto.subtle.exportKey("spki", kp.publicKey);
          },
        },
      };
      const time = async (fn) => {
        const t0 = performance.now();
        for (let i = 0; i < N; i++) await fn();
        return (performance.now() - t0) / N;
      };
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const out = {};
      for (const [name, c] of Object.entries(cases)) {
        await time(c.kit);
        await time(c.webcrypto); // warm-up
        const kitMs = [];
        const wcMs = [];
        for (let r = 0; r < ROUNDS; r++) {
          kitMs.push(await time(c.kit));
          wcMs.push(await time(c.webcrypto));
        }
        out[name] = { kit: median(kitMs), webcrypto: median(wcMs) };
      }
      return out;
    },
    { N, ROUNDS },
  );
  console.log(`key generation, Chromium ${browser.version()}, ${N} keys x ${ROUNDS} rounds (median ms per key)`);
  for (const [name, { kit, webcrypto }] of Object.entries(result)) {
    const ratio = kit / webcrypto;
    console.log(
      `  ${name.padEnd(24)} hcp-kit ${kit.toFixed(3)} ms   WebCrypto ${webcrypto.toFixed(3)} ms   ratio ${ratio.toFixed(2)}x (budget 3x${ratio <= 3 ? ", within" : ", OVER"})`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
