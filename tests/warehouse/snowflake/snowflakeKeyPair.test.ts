import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

const table: TableConfig = {
  name: 'notes',
  primaryKey: ['id'],
  cursor: 'id',
  softDelete: undefined,
  mode: 'append',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};
const passphrase = 'key-passphrase-never-logged';
const keys = mkdtempSync(join(tmpdir(), 'rebar-keypair-'));

/** An RSA key pair as Snowflake's key-pair guide makes it: PKCS#8 private key (encrypted when a passphrase is given), SPKI public key. */
function writeKeyPair(name: string, keyPassphrase?: string): { privateKeyPath: string; publicKeyPath: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: keyPassphrase
      ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: keyPassphrase }
      : { type: 'pkcs8', format: 'pem' },
  });
  const paths = { privateKeyPath: join(keys, `${name}.p8`), publicKeyPath: join(keys, `${name}.pub`) };
  writeFileSync(paths.privateKeyPath, privateKey, { mode: 0o600 });
  writeFileSync(paths.publicKeyPath, publicKey);
  return paths;
}

const registered = writeKeyPair('rebar_loader', passphrase);
const other = writeKeyPair('someone_else');
let fakesnow: Fakesnow;
let source: TempPostgres;

function keyPairEnv(privateKeyPath: string, keyPassphrase?: string): Record<string, string> {
  const env = Object.fromEntries(Object.entries(fakesnow.env).filter(([name]) => name !== 'SNOWFLAKE_PASSWORD'));
  return {
    ...env,
    SNOWFLAKE_PRIVATE_KEY_PATH: privateKeyPath,
    ...(keyPassphrase ? { SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: keyPassphrase } : {}),
  };
}

beforeAll(async () => {
  // The emulator accepts only a JWT signed by the registered key (as ALTER USER ... SET RSA_PUBLIC_KEY does).
  [fakesnow, source] = await Promise.all([
    startFakesnow('REBAR', { requirePublicKeyFile: registered.publicKeyPath }),
    startTempPostgres(),
  ]);
  await source.client.query("create table notes (id bigint primary key, note text); insert into notes values (1, 'a')");
});

afterAll(async () => {
  await fakesnow?.stop();
  await source?.close();
});

test('an encrypted private key with its passphrase logs in by key pair and loads', async () => {
  const loader = createWarehouse(testConfig(keyPairEnv(registered.privateKeyPath, passphrase)));
  const loaded = await extractOnce(source.client, loader, table, 'load-key-1');
  assert.equal(loaded.rowsWritten, 1);
});

test('a wrong passphrase is refused naming the key file and the variable to fix, never the passphrase', async () => {
  const wrong = 'wrong-passphrase-never-logged';
  const loader = createWarehouse(testConfig(keyPairEnv(registered.privateKeyPath, wrong)));
  const error = await loader.getWatermark(table).then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
  assert.ok(error, 'refused');
  console.log(`wrong passphrase reported as: ${error.message}`);
  assert.match(error.message, /SNOWFLAKE_PRIVATE_KEY_PASSPHRASE/);
  assert.ok(error.message.includes(registered.privateKeyPath), error.message);
  assert.doesNotMatch(error.message, new RegExp(`${wrong}|${passphrase}`));
});

test('a key the user is not registered with is refused at login, naming account and user', async () => {
  const loader = createWarehouse(testConfig(keyPairEnv(other.privateKeyPath)));
  const error = await loader.getWatermark(table).then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
  assert.ok(error, 'refused');
  console.log(`unregistered key reported as: ${error.message}`);
  assert.match(error.message, /Cannot connect to Snowflake account fakesnow as user fake/);
  assert.match(error.message, /JWT token is invalid/);
});

test('an encrypted key without its passphrase is refused, saying which variable to set', async () => {
  const loader = createWarehouse(testConfig(keyPairEnv(registered.privateKeyPath)));
  await assert.rejects(
    loader.getWatermark(table),
    /is encrypted: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE to its passphrase/,
  );
});
