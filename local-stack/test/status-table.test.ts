// Tests the `stack:status` table layout and the config helpers (test stack port shift, Debezium
// connector class).
import { describe, expect, it } from 'vitest';
import { formatStatusTable } from '../src/status-table.js';
import { shiftedPortEnv } from '../src/config.js';
import { connectorClassFor } from '../src/components/debezium-connector.js';
import { jsonString, render, sqlString } from '../src/templates.js';

describe('status table', () => {
  it('aligns component, address, state, pid, time to healthy and resident memory', () => {
    const text = formatStatusTable([
      { name: 'kafka', address: 'localhost:9092', healthy: true, state: 'healthy', pid: 42, startupSeconds: 12.3, rssMiB: 427 },
      { name: 'pinot-tables', address: 'http://localhost:9000', healthy: false, state: 'unhealthy', pid: null, startupSeconds: null, rssMiB: null },
    ]);
    expect(text.split('\n')).toEqual([
      'component     address                state      pid  healthy after  rss',
      '------------  ---------------------  ---------  ---  -------------  -------',
      'kafka         localhost:9092         healthy    42   12.3 s         427 MiB',
      'pinot-tables  http://localhost:9000  unhealthy  -    -              -',
    ]);
  });
});

describe('stack config helpers', () => {
  it('shifts every port for the test stack', () => {
    const env = shiftedPortEnv(10_000);
    expect(env.MARIADB_PORT).toBe('13307');
    expect(env.KAFKA_PORT).toBe('19092');
    expect(env.PINOT_CONTROLLER_PORT).toBe('19000');
    expect(env.SCHEMA_REGISTRY_PORT).toBe('18085');
    expect(env.SCHEMA_REGISTRY_MANAGEMENT_PORT).toBe('18086');
    expect(Object.keys(env)).toHaveLength(12);
  });

  it('picks the Debezium connector class from the server version', () => {
    expect(connectorClassFor('10.11.14-MariaDB-0+deb12u2-log')).toBe('io.debezium.connector.mariadb.MariaDbConnector');
    expect(connectorClassFor('8.4.7')).toBe('io.debezium.connector.mysql.MySqlConnector');
  });

  it('renders placeholders and names the file when one has no value', () => {
    expect(render('a ${X} b', { X: '1' }, 'f.json', jsonString)).toBe('a 1 b');
    expect(() => render('${MISSING}', {}, 'docker/x.json', jsonString)).toThrow('docker/x.json: no value for placeholder ${MISSING}');
  });

  it('escapes values so a quote in a password cannot end the string it is written into', () => {
    const password = `p'w"\\x`;
    const json = render('{"password": "${P}"}', { P: password }, 'c.json', jsonString);
    expect((JSON.parse(json) as { password: string }).password).toBe(password);
    expect(render("IDENTIFIED BY '${P}';", { P: password }, 'grants.sql', sqlString)).toBe(`IDENTIFIED BY 'p''w"\\\\x';`);
  });
});
