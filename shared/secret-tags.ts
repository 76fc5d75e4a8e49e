/**
 * Tags the constructs put on a secret for whoever reads it later: a reviewer of the
 * synthesized configuration, the security catalogue (review/security/), an auditor in the
 * console. One definition for the construct that writes a tag and the code that reads it.
 */

/**
 * Why a key/value secret is not rotated, in its environment's words (KeyValueSecret's
 * `rotation: { kind: "none", reason }`): the security catalogue accepts it, for that
 * secret alone, in place of the rotation checks.
 */
export const ROTATION_EXEMPTION_TAG = "RotationExemption";
