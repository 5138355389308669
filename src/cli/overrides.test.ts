import { describe, expect, it } from 'vitest';
import { InputError, parseDocumentText } from '../core/index.js';
import { applySets, attributeToSets, parseSets } from './overrides.js';

describe('--set overrides', () => {
  const doc = parseDocumentText('system: { gpu: h100-sxm, gpus: 8 }\ndeliveries:\n  - { day: 3 }\n', 'f.yaml');

  it('types values as YAML and sets dotted paths, copying (the file\'s value is untouched)', () => {
    const sets = parseSets(['system.gpus=16', 'system.fast=true', 'deliveries.0.day=9', 'deliveries[0].gpus=1e3', 'name=x=y', 'list=[1, 2]']);
    const out = applySets(doc, sets).value as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(out['system']).toEqual({ gpu: 'h100-sxm', gpus: 16, fast: true });
    expect(out['deliveries']).toEqual([{ day: 9, gpus: 1000 }]);
    expect(out['name']).toBe('x=y');
    expect(out['list']).toEqual([1, 2]);
    expect((doc.value as Record<string, any>)['system'].gpus).toBe(8); // eslint-disable-line @typescript-eslint/no-explicit-any
    // null removes a field
    expect((applySets(doc, parseSets(['system.gpus=null'])).value as Record<string, any>)['system']).toEqual({ gpu: 'h100-sxm' }); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it('positions under an override are not the file\'s; issues there name the --set', () => {
    const sets = parseSets(['system.gpus=lots']);
    const d = applySets(doc, sets);
    expect(d.positionOf(['system', 'gpus'])).toBeUndefined();
    expect(d.positionOf(['system', 'gpu'])).toEqual(doc.positionOf(['system', 'gpu']));
    const [issue] = attributeToSets([{ path: 'system.gpus', file: 'f.yaml', message: 'has the wrong type' }], sets);
    expect(issue?.file).toBe('--set system.gpus=lots');
  });

  it('refuses malformed options and paths through a non-object', () => {
    expect(() => parseSets(['no-equals'])).toThrow(InputError);
    expect(() => parseSets(['.x=1'])).toThrow(InputError);
    expect(() => applySets(doc, parseSets(['system.gpu.x=1']))).toThrow(/is the id "h100-sxm", not an object/);
    expect(() => applySets(doc, parseSets(['deliveries.5.day=1']))).toThrow(/past the end/);
  });
});
