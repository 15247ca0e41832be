import { test, expect } from "vitest";
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";

test("hcp-kit in vitest (node environment)", async () => {
  await Promise.all([init(), initImport()]);
  expect(generateKeyPair().publicKeyHex).toHaveLength(182);
  const csv = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";
  const report = parseImport(new TextEncoder().encode(csv));
  expect([report.stats.accepted, report.stats.rejected]).toEqual([1, 1]);
});
