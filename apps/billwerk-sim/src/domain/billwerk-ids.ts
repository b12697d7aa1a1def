import { randomBytes } from 'node:crypto';

/** A fresh id shaped like billwerk's (a 24-hex-character MongoDB ObjectId). */
export function newBillwerkId(): string {
  return randomBytes(12).toString('hex');
}
