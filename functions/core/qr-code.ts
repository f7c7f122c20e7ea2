/**
 * The QR code of an `otpauth://` URI. A module of its own so that only the setup handler
 * imports `qrcode` (and pays for it on a cold start).
 */
import { toDataURL } from "qrcode";

/**
 * A `data:image/png;base64,…` URL of the QR code, as DocSpace's `qrCodeSetupImageUrl` is.
 * Error correction "M" (15 %) survives a phone camera's glare without growing the symbol
 * much; a 4-module quiet zone is what ISO/IEC 18004 asks for, so scanners find the edges.
 */
export async function renderQrCodeDataUrl(uri: string): Promise<string> {
  return toDataURL(uri, { type: "image/png", errorCorrectionLevel: "M", margin: 4, scale: 6 });
}
