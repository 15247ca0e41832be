// A server component: hcp-kit runs in Node while the page renders.
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";

export const dynamic = "force-dynamic";
const CSV = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";

export default async function Page() {
  await Promise.all([init(), initImport()]);
  const report = parseImport(new TextEncoder().encode(CSV));
  const result = { key: generateKeyPair().publicKeyHex.length, import: `${report.stats.accepted}/${report.stats.rejected}` };
  return <pre id="server">{JSON.stringify(result)}</pre>;
}
