import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";
await Promise.all([init(), initImport()]);
const csv = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";
const report = parseImport(new TextEncoder().encode(csv));
console.log(JSON.stringify({ key: generateKeyPair().publicKeyHex.length, import: `${report.stats.accepted}/${report.stats.rejected}` }));
