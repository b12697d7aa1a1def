import type { ContractModel } from '@app/contracts';

const VERSIONED = /^(.*)\.v(\d+)$/;

/** `billwerk.contract.v1` → its later versions present in `topics` (e.g. `billwerk.contract.v2`). */
function bumpedVersionExists(topic: string, topics: readonly string[]): boolean {
  const match = VERSIONED.exec(topic);
  if (!match) return false;
  const [, base, version] = match;
  return topics.some((candidate) => {
    const other = VERSIONED.exec(candidate);
    return other !== null && other[1] === base && Number(other[2]) > Number(version);
  });
}

/**
 * Backward compatibility, as a schema registry's BACKWARD mode would judge it: everything a
 * subscriber of the baseline could rely on must still be there with the same type. Adding is
 * always fine; removing or retyping is fine only when the topic moved to a new version (`.v2`)
 * that replaces it. Returns one line per violation.
 */
export function compatibilityViolations(baseline: ContractModel, current: ContractModel): string[] {
  const violations: string[] = [];
  const currentTopics = Object.keys(current.topics);
  for (const [topic, { messages }] of Object.entries(baseline.topics)) {
    const now = current.topics[topic];
    if (!now) {
      if (!bumpedVersionExists(topic, currentTopics)) {
        violations.push(`topic ${topic} was removed without a new version replacing it`);
      }
      continue;
    }
    for (const [type, { fields }] of Object.entries(messages)) {
      const message = now.messages[type];
      if (!message) {
        violations.push(
          `${topic}: message ${type} was removed (publish it on a new topic version instead)`,
        );
        continue;
      }
      for (const [field, fieldType] of Object.entries(fields)) {
        const nowType = message.fields[field];
        if (nowType === undefined) {
          violations.push(`${topic}: ${type} lost field ${field}`);
        } else if (nowType !== fieldType) {
          violations.push(
            `${topic}: ${type} field ${field} changed type from ${fieldType} to ${nowType}`,
          );
        }
      }
    }
  }
  return violations;
}

/** The baseline after accepting `current`: what was ever published stays, for old subscribers. */
export function mergeBaseline(baseline: ContractModel, current: ContractModel): ContractModel {
  const merged: ContractModel = structuredClone(baseline);
  for (const [topic, { messages }] of Object.entries(current.topics)) {
    merged.topics[topic] ??= { messages: {} };
    for (const [type, { fields }] of Object.entries(messages)) {
      const known = (merged.topics[topic].messages[type] ??= { fields: {} });
      Object.assign(known.fields, fields);
    }
  }
  return merged;
}
