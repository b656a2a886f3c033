/**
 * Which Chromium the browser tests drive, found without any system package and never
 * downloaded at run time:
 *   1. `CHROMIUM_PATH`, when set (it must be an executable file, or the run stops saying so);
 *   2. Debian's `/usr/bin/chromium`, when installed and executable;
 *   3. the Chromium shipped compressed inside the `@sparticuz/chromium` npm package (a dev
 *      dependency, so `npm ci` installs it), unpacked once into the system's temp folder.
 * The vitest global setup resolves it once per run and hands the path to the test files
 * (`inject('chromiumPath')`), so two files never unpack it at the same time.
 */
import { accessSync, constants, statSync } from 'node:fs';

export interface ChromiumFound {
  path: string;
  source: 'CHROMIUM_PATH' | 'debian' | '@sparticuz/chromium';
}

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function isExecutableFile(file: string): boolean {
  try {
    // A bind-mounted empty file (how CI hides Debian's chromium) is a file without execute bits.
    accessSync(file, constants.X_OK);
    return statSync(file).isFile() && statSync(file).size > 0;
  } catch {
    return false;
  }
}

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumFound> {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!isExecutableFile(configured)) throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`);
    return { path: configured, source: 'CHROMIUM_PATH' };
  }
  if (isExecutableFile(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: 'debian' };
  // The package unpacks its brotli-compressed binary into os.tmpdir()/chromium on first use
  // and reuses it afterwards (a few seconds the first time).
  const { default: bundled } = await import('@sparticuz/chromium');
  const unpacked = await bundled.executablePath();
  if (!isExecutableFile(unpacked)) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, which is not executable`);
  return { path: unpacked, source: '@sparticuz/chromium' };
}

/** Launch flags for every source: root needs --no-sandbox; nothing else is needed headless. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
