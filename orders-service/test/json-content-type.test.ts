// Tests which Content-Type headers count as JSON.
import { describe, expect, it } from 'vitest';
import { isJsonContentType } from '../src/json-content-type.js';

describe('isJsonContentType', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', 'application/vnd.api+json', ' application/merge-patch+json '])(
    'accepts %s',
    (header) => expect(isJsonContentType(header)).toBe(true),
  );

  it.each([undefined, '', 'text/plain', 'text/json', 'application/jsonp', 'application/json-seq', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/+json'])(
    'refuses %s',
    (header) => expect(isJsonContentType(header)).toBe(false),
  );
});
