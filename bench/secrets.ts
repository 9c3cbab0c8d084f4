import { SecretBox, parseSecretsKey } from '../server/auth/secret-box.ts';

/** The benches read the signing key of the barback they started: sealed when SECRETS_KEY is set. */
export function benchSecretBox(): SecretBox {
  const key = process.env.SECRETS_KEY?.trim();
  return key ? SecretBox.withKey(parseSecretsKey(key)) : SecretBox.none();
}
