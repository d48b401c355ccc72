import { describe, expect, it } from 'vitest';
import {
  parseServiceFile,
  policiesOf,
  ServiceFileError,
} from '../../scripts/deploy/service-file.ts';

/** `${expr}` as s.yaml writes a variable reference. */
const ref = (expr: string) => `\${${expr}}`;

const serviceFile = (props: string, vars = 'vars:\n  region: cn-hangzhou\n') =>
  `edition: 3.0.0\nname: t\n${vars}resources:\n  fn:\n    component: fc3\n    props:\n${props}`;

const BASE_PROPS = [
  `      region: ${ref('vars.region')}`,
  '      functionName: f',
  '      runtime: nodejs20',
  '      code: ./dist',
  '      handler: index.handler',
].join('\n');

const timer = (payload: string) =>
  `\n      triggers:\n        - triggerName: t1\n          triggerType: timer\n          triggerConfig:\n            cronExpression: 0 0 * * * *\n            enable: true\n            payload: '${payload}'\n`;

describe('parseServiceFile', () => {
  it('substitutes references to vars in props', () => {
    const [fn] = parseServiceFile(serviceFile(BASE_PROPS)).functions;
    expect(fn?.props.region).toBe('cn-hangzhou');
  });

  it('substitutes the account id from the access', () => {
    const props = `${BASE_PROPS}\n      role: acs:ram::${ref("config('AccountID')")}:role/r`;
    const [fn] = parseServiceFile(serviceFile(props), { config: { AccountID: '42' } }).functions;
    expect(fn?.props.role).toBe('acs:ram::42:role/r');
  });

  it('refuses a variable it cannot resolve instead of deploying the literal text', () => {
    const props = BASE_PROPS.replace(ref('vars.region'), ref('vars.regoin'));
    expect(() => parseServiceFile(serviceFile(props))).toThrow(ServiceFileError);
  });

  it('splits the handler into module and export', () => {
    const [fn] = parseServiceFile(serviceFile(BASE_PROPS)).functions;
    expect([fn?.handlerModule, fn?.handlerExport]).toEqual(['index', 'handler']);
  });

  it('reads the policy a timer payload names', () => {
    const [fn] = parseServiceFile(
      serviceFile(BASE_PROPS + timer('{"policy":"policies/a.yaml"}')),
    ).functions;
    expect(fn?.timers.map((t) => t.policy)).toEqual(['policies/a.yaml']);
  });

  it('lists POLICY_FILE with the timer policies, once each', () => {
    const props = `${BASE_PROPS}\n      environmentVariables:\n        POLICY_FILE: policies/a.yaml${timer('{"policy":"policies/a.yaml"}')}`;
    const [fn] = parseServiceFile(serviceFile(props)).functions;
    expect(fn && policiesOf(fn)).toEqual(['policies/a.yaml']);
  });

  it('refuses a timer whose payload names no policy', () => {
    expect(() => parseServiceFile(serviceFile(BASE_PROPS + timer('{"mode":"x"}')))).toThrow(
      /payload must be/,
    );
  });

  it('refuses a document that is not edition 3.0.0', () => {
    expect(() => parseServiceFile('edition: 1.0.0\nresources: {}\n')).toThrow(ServiceFileError);
  });
});
