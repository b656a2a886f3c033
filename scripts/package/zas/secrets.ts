/**
 * The validator's warnings about secrets and insecure settings:
 * - validations/secrets.rb: text files (html, xml, js, json) holding secret-like words
 *   (`generic_secrets`) or matching a known secret pattern (`application_secret`);
 * - validations/secure_settings.rb: a text parameter named like a key or token that is
 *   not secure, a default on a secure or hidden parameter, a secure parameter without
 *   `scopes`;
 * - validations/requests.rb: `http://` URLs in js or html files.
 * Patterns are the library's, in JavaScript syntax.
 */
import { LISTING_COMMA, error, warning } from './messages.js';
import { decode, type Manifest, type ZasPackage } from './model.js';

const SECRET_KEYWORDS = ['password', 'secret', 'secretToken', 'secret_token', 'auth_key', 'authKey', 'auth_pass', 'authPass', 'auth_user', 'AuthUser', 'api_key'];
const SEP = '( [:"=-]|[:"=-])';
const TAIL = '.*.[0-9a-zA-Z+_.-]{4,156}';
const APPLICATION_SECRETS: Array<[string, RegExp]> = [
  ['Slack Token', /(xox[p|b|o|a]-*.[a-z0-9])/],
  ['RSA Private Key', /-----BEGIN RSA PRIVATE KEY-----/],
  ['SSH Private Key (OpenSSH)', /-----BEGIN OPENSSH PRIVATE KEY-----/],
  ['SSH Private Key (DSA)', /-----BEGIN DSA PRIVATE KEY-----/],
  ['SSH Private Key (EC)', /-----BEGIN EC PRIVATE KEY-----/],
  ['PGP Private Key Block', /-----BEGIN PGP PRIVATE KEY BLOCK-----/],
  ['Facebook OAuth Token', /([f|F][a|A][c|C][e|E][b|B][o|O][o|O][k|K]( [|:"=-]|[:"=-|]).*.[0-9a-f]{24,36})/],
  ['Twitter OAuth Token', /([t|T][w|W][i|I][t|T][t|T][e|E][r|R]( [:"=-]|[:"=-]).*.[0-9a-zA-Z]{30,45})/],
  ['Github Token', /([g|G][i|I][t|T][h|H][u|U][b|B]( [:"=-]|[:"=-]).*.[0-9a-zA-Z]{30,45})/],
  ['Google OAuth Token', /([c|C][l|L][i|I][e|E][n|N][t|T][-_][s|S][e|E][c|C][r|R][e|E][t|T]( [:"=-]|[:"=-]).*[a-zA-Z0-9\-_]{16,32})/],
  ['AWS Access Key ID', /(AKIA[0-9A-Z]{8,24})/],
  ['AWS Secret Access Key', /([a|A][w|W][s|S][_-][s|S][e|E][c|C][r|R][e|E][t|T][_-][a|A][c|C][c|C][e|E][s|S][s|S][_-][k|K][e|E][y|Y].*.[0-9a-zA-Z]{24,48})/],
  ['Heroku API Key', /([h|H][e|E][r|R][o|O][k|K][u|U].*[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{6,18})/],
  ['Quickpay Secret', /(quickpay_secret:.*.[0-9a-zA-Z]{24,72})/],
  ['Doorman Secret', /([d|D][o|O][o|O][r|R][m|M][a|A][n|N][-_][s|S][e|E][c|C][r|R][e|E][t|T].*.[0-9a-f]{16,132})/],
  ['Shared Session Secret', /(shared_session_secret.*.[0-9a-f]{4,132})/],
  ['Permanent Cookie Secret', /(permanent_cookie_secret.*.[0-9a-f]{120,156})/],
  ['Scarlett AWS Secret Key', /([sS][cC][aA][rR][lL][eE][tT][tT][_-][aA][wW][sS][_-][sS][eE][cC][rR][eE][tT][_-][kK][eE][yY].*.[0-9a-zA-Z+.]{35,45})/],
  ['Braintree Key', /(braintree_key.*.[0-9a-zA-Z]{16,36})/],
  ['Ticket Validation Key', /(ticket_validation_key.*.[0-9a-zA-Z]{15,25})/],
  ['App Key', new RegExp(`([aA][pP][pP][-_][kK][eE][yY]${SEP}${TAIL})`)],
  ['App Secret', new RegExp(`([aA][pP][pP][-_][sS][eE][cC][rR][eE][tT]${SEP}${TAIL})`)],
  ['Consumer Key', new RegExp(`([cC][oO][nN][sS][uU][mM][eE][rR][-_][kK][eE][yY]${SEP}${TAIL})`)],
  ['Consumer Secret', new RegExp(`([cC][oO][nN][sS][uU][mM][eE][rR][-_][sS][eE][cC][rR][eE][tT]${SEP}${TAIL})`)],
  // Ruby's (?m) is JavaScript's s flag (dot matches newlines); Ruby's ^ always matches at line starts (m).
  ['Generic Secret', new RegExp(`^([sS][eE][cC][rR][eE][tT]${SEP}${TAIL})`, 'ms')],
  ['Master Key', new RegExp(`([mM][aA][sS][tT][eE][rR][-_][kK][eE][yY]${SEP}${TAIL})`)],
  ['Master Secret', new RegExp(`([mM][aA][sS][tT][eE][rR][-_][sS][eE][cC][rR][eE][tT]${SEP}${TAIL})`)],
  ['Token Key', new RegExp(`([tT][oO][kK][eE][nN][-_][kK][eE][yY]${SEP}${TAIL})`)],
  ['Token Secret', new RegExp(`([tT][oO][kK][eE][nN][-_][sS][eE][cC][rR][eE][tT]${SEP}${TAIL})`)],
  ['Zendesk Zopim Mobile SSO Key', /(zendesk_zopim_mobile_sso_key.*.[0-9a-f]{58,68})/],
  ['Help Center Private Key', new RegExp(`([pP][rR][iI][vV][aA][tT][eE][-_][kK][eE][yY]${SEP}${TAIL})`)],
  ['X-Outbound-Key', /([xX][-][oO][uU][tT][bB][oO][uU][nN][dD][-][kK][eE][yY][:" \t=-].*.[0-9a-z-]{32,36})/],
  ['Attachment Token Key', /(attachment_token_key.*.[0-9a-f]{24,72})/],
  ['Password', /([pP][aA][sS][sS][wW][oO][rR][dD].*.[0-9a-zA-Z+_.-]{4,156})/],
  ['Token', new RegExp(`([tT][oO][kK][eE][nN]${SEP}${TAIL})`)],
];
const SECURABLE_KEYWORDS = /token|key|pwd|password/i;
const SECURE_SETTINGS_LINK = 'https://developer.zendesk.com/apps/docs/developer-guide/using_sdk#using-secure-settings';
const SCOPES_LINK = 'https://developer.zendesk.com/documentation/apps/getting-started/setting-up-new-apps/#scopes';

const textFiles = (pkg: ZasPackage) => [...pkg.files.keys()].filter((f) => /(html?|xml|js|json?)$/.test(f));

export function secretsWarnings(pkg: ZasPackage): string[] {
  const warnings: string[] = [];
  const compromised: string[] = [];
  for (const file of textFiles(pkg)) {
    const contents = decode(pkg.files.get(file)!);
    for (const [type, pattern] of APPLICATION_SECRETS) if (pattern.test(contents)) warnings.push(warning('application_secret', { file, secret_type: type }));
    const match = new RegExp(SECRET_KEYWORDS.join('|')).exec(contents);
    if (match) compromised.push(`${file} ('${match[0]}...')`);
  }
  if (compromised.length) warnings.push(warning('generic_secrets', { files: compromised.join(LISTING_COMMA), count: compromised.length }));
  return warnings;
}

export function secureSettingsWarnings(manifest: Manifest): string[] {
  const warnings: string[] = [];
  const params = manifest.parameters;
  if (params.some((p) => typeof p.name === 'string' && SECURABLE_KEYWORDS.test(p.name) && p.type === 'text' && !p.secure)) {
    warnings.push(error('translation.insecure_token_parameter_in_manifest', { link: SECURE_SETTINGS_LINK }));
  }
  if (params.some((p) => p.hasDefault && (p.secure || p.type === 'hidden'))) warnings.push(error('translation.default_secure_or_hidden_parameter_in_manifest'));
  const unscoped = params.filter((p) => p.secure && !(Array.isArray(p.scopes) && p.scopes.length)).map((p) => String(p.name));
  if (unscoped.length) warnings.push(error('translation.secure_parameters_with_no_scopes_in_manifest', { params: unscoped.join(LISTING_COMMA), link: SCOPES_LINK }));
  return warnings;
}

export function insecureRequestWarnings(pkg: ZasPackage): string[] {
  return [...pkg.files.keys()]
    .filter((f) => /\.jsx?$/.test(f) || /\.html?$/.test(f))
    .flatMap((file) => {
      const urls = decode(pkg.files.get(file)!).match(/\bhttp:\/\/[^\s"'<>()`]+/g);
      return urls ? [warning('insecure_http_request', { uri: urls.join(LISTING_COMMA), file })] : [];
    });
}
