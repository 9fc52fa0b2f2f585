/**
 * The cost optimizer's state tag is trusted only if the controller wrote it: the encoded state
 * carries an HMAC-SHA256 (truncated to 128 bits) over the group's name and the state, keyed with
 * the key in the coordination table, which only the two scaler functions' roles can read. Anyone
 * allowed to tag the group can still write the tag, but not a value the functions accept.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Characters the signature adds to the encoded state: `,"m":"` + 22 + `"`. */
export const SIGNATURE_LENGTH = 29;

const mac = (key: string, groupName: string, text: string) =>
  createHmac('sha256', Buffer.from(key, 'base64')).update(`${groupName}\n${text}`).digest('base64url').slice(0, 22);

/** The encoded state (a JSON object) with its signature as the last field `m`. */
export function signState(text: string, key: string, groupName: string): string {
  if (!text.endsWith('}')) throw new Error('the encoded state is not a JSON object');
  return `${text.slice(0, -1)},"m":"${mac(key, groupName, text)}"}`;
}

/** Splits a tag value into the encoded state and whether its signature is the controller's. */
export function verifyState(value: string, key: string, groupName: string): { text: string; trusted: boolean } {
  const m = /,"m":"([A-Za-z0-9_-]{22})"}$/.exec(value);
  if (!m) return { text: value, trusted: false };
  const text = `${value.slice(0, m.index)}}`;
  const want = Buffer.from(mac(key, groupName, text));
  const got = Buffer.from(m[1]);
  return { text, trusted: want.length === got.length && timingSafeEqual(want, got) };
}
