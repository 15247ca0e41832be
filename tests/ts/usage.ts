// Type-checked (never run) against the generated .d.ts: how a strict
// TypeScript consumer uses the key API.
import init, {
  generateKeyPair,
  importPrivateKey,
  inspectKeyPairFile,
  isHcpError,
  loadKeyPair,
  verify,
  type HcpError,
  type HcpErrorCode,
  type KeyPair,
  type KeyPairFileInfo,
  type PublicKeyInput,
} from "../../pkg/hcp_kit.js";

export async function example(hcpId: string, passphrase?: string): Promise<string> {
  await init();
  using kp: KeyPair = generateKeyPair();
  const hex: string = kp.publicKeyHex;
  const jwk: JsonWebKey = kp.publicKeyJwk();
  const spki: Uint8Array = kp.publicKeySpki();
  const file: string = kp.toJson(hcpId, passphrase === undefined ? undefined : { passphrase });
  kp.toJson(hcpId);
  const info: KeyPairFileInfo = inspectKeyPairFile(file);
  const encrypted: boolean = info.encrypted;
  const sig: Uint8Array = kp.sign(new TextEncoder().encode("x"));
  const inputs: PublicKeyInput[] = [hex, spki, jwk];
  const ok: boolean = inputs.every((k) => verify(k, new TextEncoder().encode("x"), sig));
  const secret: Uint8Array = kp.deriveSharedSecret(jwk);
  const again = importPrivateKey(kp.exportPrivateKeyJwk());
  again.free();
  try {
    loadKeyPair(file, passphrase);
  } catch (e: unknown) {
    if (isHcpError(e)) {
      const err: HcpError = e;
      const code: HcpErrorCode = err.code;
      const status: number | undefined = err.status;
      return `${code} ${status ?? ""} ${err.message}`;
    }
    throw e;
  }
  return `${hex} ${encrypted} ${ok} ${secret.length}`;
}

// @ts-expect-error: an unknown error code is not an HcpErrorCode
export const notACode: HcpErrorCode = "Oops";
// @ts-expect-error: options are typed
generateKeyPair().toJson("id", { passphrase: 42 });
