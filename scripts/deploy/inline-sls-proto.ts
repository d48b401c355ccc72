import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { Code } from '../../lib/codes.ts';
import { ReplicatorError } from '../../lib/errors.ts';

/**
 * @alicloud/log reads its protobuf schema from disk beside its own source
 * (`protobuf.loadSync(path.join(__dirname, './sls.proto'))`). Bundled, that file is gone and
 * `__dirname` means nothing in ESM, so this plugin parses the schema text inlined at build time
 * instead. If an SDK upgrade changes the line, the build fails here rather than the function in
 * production at its first PutLogs.
 */
const LOAD_CALL = "protobuf.loadSync(path.join(__dirname, './sls.proto'))";

export class SlsProtoInlineError extends ReplicatorError {
  constructor(message: string) {
    super(Code.BuildSlsProtoNotInlined, message);
  }
}

export function inlineSlsProto(): Plugin {
  return {
    name: 'inline-sls-proto',
    setup(build) {
      build.onLoad({ filter: /[\\/]@alicloud[\\/]log[\\/]lib[\\/]client\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(LOAD_CALL)) {
          throw new SlsProtoInlineError(
            `${args.path}: expected ${LOAD_CALL}; @alicloud/log changed how it loads sls.proto`,
          );
        }
        const proto = await readFile(path.join(path.dirname(args.path), 'sls.proto'), 'utf8');
        return {
          contents: source.replace(LOAD_CALL, `protobuf.parse(${JSON.stringify(proto)}).root`),
          loader: 'js',
        };
      });
    },
  };
}
