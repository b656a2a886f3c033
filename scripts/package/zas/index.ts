/**
 * Zendesk's app validator offline: the rules of `zendesk_apps_support`
 * (zendesk/zendesk_apps_support@f3de3c7d, lib/zendesk_apps_support/validations/) in the
 * order its Package#validate runs them, with its messages. RULES.md maps each of its
 * rule files to the function here and the test that feeds it a failing package.
 */
import { bannerErrors, marketplaceErrors, mimeErrors, sourceErrors, templateErrors } from './files.js';
import { readManifest, validateManifest } from './manifest.js';
import type { ZasPackage } from './model.js';
import { validateRequirements } from './requirements.js';
import { insecureRequestWarnings, secretsWarnings, secureSettingsWarnings } from './secrets.js';
import { validateSvgs } from './svg.js';
import { validateTranslations } from './translations.js';

export type { ZasPackage } from './model.js';

export function validateLikeZendesk(pkg: ZasPackage): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const manifest = readManifest(pkg);
  if (Array.isArray(manifest)) errors.push(...manifest);
  else {
    const manifestErrors = validateManifest(pkg, manifest);
    errors.push(...manifestErrors);
    // Package#has_valid_manifest?: the other rules read the manifest, so they wait for a valid one.
    if (manifestErrors.length === 0) {
      errors.push(...marketplaceErrors(pkg, manifest), ...sourceErrors(pkg, manifest), ...validateTranslations(pkg, manifest));
      const requirements = validateRequirements(pkg, manifest);
      errors.push(...requirements.errors);
      warnings.push(...requirements.warnings, ...secureSettingsWarnings(manifest), ...insecureRequestWarnings(pkg));
      // Templates and stylesheets belong to framework-1 apps; iframe-only apps skip them.
      if (!(manifest.requirementsOnly || manifest.marketingOnly || manifest.iframeOnly)) errors.push(...templateErrors(pkg));
    }
  }
  errors.push(...bannerErrors(pkg));
  warnings.push(...validateSvgs(pkg));
  errors.push(...mimeErrors(pkg));
  warnings.push(...secretsWarnings(pkg));
  return { errors, warnings };
}
